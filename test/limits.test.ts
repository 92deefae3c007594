import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { subusers } from '../src/db/schema.js';
import { createErrorMasker } from '../src/graphql/mask-error.js';
import { useTestServers } from './helpers/server.js';

const start = useTestServers();

/** Creates a pino logger that keeps every line it writes, to check what the server logs. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

function codes(result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

test('depth limit rejects deep operations', async () => {
  const testServer = await start({ GRAPHQL_MAX_DEPTH: '2' });
  const shallow = await testServer.request('{ me { isMainAccount } }');
  expect(codes(shallow)).toEqual(['UNAUTHENTICATED']);
  const result = await testServer.request('{ me { account { name } } }');
  expect(result.data).toBeUndefined();
  expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(result.errors?.[0]?.message).toMatch(/depth/i);
});

test('alias limit rejects many aliases', async () => {
  const testServer = await start();
  const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: roles { role }`).join(' ');
  const result = await testServer.request(`{ ${aliases} }`);
  expect(result.data).toBeUndefined();
  expect(codes(result)).toContain('GRAPHQL_VALIDATION_FAILED');
  expect(result.errors?.map((error) => error.message).join(' ')).toMatch(/alias/i);
});

test('parse errors and unknown fields have codes', async () => {
  const testServer = await start();
  expect(codes(await testServer.request('{ me { '))).toEqual(['GRAPHQL_PARSE_FAILED']);
  expect(codes(await testServer.request('{ noSuchField }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
});

test('batched requests are rejected', async () => {
  const testServer = await start();
  const response = await fetch(`${testServer.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { data?: unknown; errors: unknown[] };
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
});

test('CSRF prevention blocks simple GET requests', async () => {
  const testServer = await start();
  const url = `${testServer.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
  const blocked = await fetch(url, { headers: { accept: 'application/json' } });
  expect(blocked.status).toBe(403);
  const body = (await blocked.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(body.errors.map((error) => error.extensions.code)).toEqual(['BAD_REQUEST']);

  const allowed = await fetch(url, { headers: { 'x-graphql-yoga-csrf': '1', accept: 'application/json' } });
  expect(allowed.status).toBe(200);
  expect(await allowed.json()).toEqual({ data: { __typename: 'Query' } });
});

test('introspection and GraphiQL are on by default', async () => {
  const testServer = await start();
  const introspection = await testServer.request<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }');
  expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

  const page = await fetch(`${testServer.url}/graphql`, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/graphiql/i);
  // GraphiQL's scripts and styles are inline, so the page works without internet access.
  expect(html).not.toMatch(/<script[^>]+src=["']?https?:/i);
  expect(html).not.toMatch(/<link[^>]+href=["']?https?:/i);
});

test('introspection and GraphiQL can be turned off', async () => {
  const testServer = await start({ INTROSPECTION_ENABLED: 'false', GRAPHIQL_ENABLED: 'false' });
  const introspection = await testServer.request('{ __schema { queryType { name } } }');
  expect(introspection.data).toBeUndefined();
  expect(new Set(codes(introspection))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));

  const page = await fetch(`${testServer.url}/graphql`, { headers: { accept: 'text/html' } });
  expect(await page.text()).not.toMatch(/graphiql/i);
});

test('health reports both backends', async () => {
  const testServer = await start();
  const response = await fetch(`${testServer.url}/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
});

test('unexpected errors are masked and logged with their cause', () => {
  const { lines, logger } = capturedLogger();
  const mask = createErrorMasker(logger);

  const located = new GraphQLError('boom', { path: ['subusers'], originalError: new Error('relation "secret_table" does not exist') });
  const masked = mask(located) as GraphQLError;
  expect(masked.message).toBe('Unexpected error.');
  expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(masked.path).toEqual(['subusers']);
  expect(lines.join('')).toContain('relation \\"secret_table\\" does not exist');

  const deliberate = new GraphQLError('Subuser not found: x.', { extensions: { code: 'NOT_FOUND' } });
  expect(mask(deliberate)).toBe(deliberate);
});

test('oversized bodies get 413 before parsing', async () => {
  const testServer = await start({ REQUEST_BODY_LIMIT_BYTES: '2048' });
  const response = await fetch(`${testServer.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(4096) } }),
  });
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({
    errors: [{ message: 'Request body too large: the limit is 2048 bytes.', extensions: { code: 'BAD_REQUEST' } }],
  });

  const small = await testServer.request('{ __typename }');
  expect(small.data).toEqual({ __typename: 'Query' });
});

test('NUL characters are BAD_USER_INPUT', async () => {
  const testServer = await start();
  const viaVariable = await testServer.request(
    'mutation ($input: LogInInput!) { logIn(input: $input) { __typename } }',
    { input: { email: 'x\u0000@example.com', password: 'Whatever-1' } },
  );
  expect(viaVariable.data).toBeUndefined();
  expect(viaVariable.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: '$.input.email' }]);

  const inline = await testServer.request('mutation { logIn(input: { email: "a\\u0000b", password: "x" }) { __typename } }');
  expect(inline.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'query' }]);
});

test('logged query errors omit bound parameters', async () => {
  const testServer = await start();
  const { lines, logger } = capturedLogger();
  const mask = createErrorMasker(logger);

  // A foreign-key violation: an unexpected error whose drizzle message lists every parameter.
  const failure = await testServer.database.db
    .insert(subusers)
    .values({
      accountId: '00000000-0000-4000-8000-000000000000',
      login: 'orphan',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$must-not-be-logged',
      roles: ['SUPPORT'],
    })
    .then(
      () => null,
      (error: unknown) => error,
    );
  expect(failure).toBeInstanceOf(Error);

  const masked = mask(new GraphQLError('wrapped', { originalError: failure as Error })) as GraphQLError;
  expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  const logged = lines.join('');
  expect(logged).toContain('23503');
  expect(logged).toContain('subusers_account_id_accounts_id_fk');
  expect(logged).not.toContain('must-not-be-logged');
});

test('response fields follow query order', async () => {
  const testServer = await start();
  const response = await fetch(`${testServer.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ zeta: __typename me { isMainAccount } alpha: __typename }' }),
  });
  const body = (await response.json()) as { data: Record<string, unknown> };
  expect(Object.keys(body.data)).toEqual(['zeta', 'me', 'alpha']);
});

test('invalid JSON is BAD_REQUEST without echoing the body', async () => {
  const testServer = await start();
  const response = await fetch(`${testServer.url}/graphql`, {
    method: 'POST',
    // With this media type yoga returns HTTP 400 for request errors, as GraphQL over HTTP requires.
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: '{"query": secret-looking-text',
  });
  expect(response.status).toBe(400);
  const text = await response.text();
  expect(text).not.toContain('secret-looking-text');
  expect(JSON.parse(text)).toEqual({ errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
});
