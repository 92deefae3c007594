import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { createErrorMasker } from '../src/graphql/mask-error.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(env: Record<string, string> = {}): Promise<TestServer> {
  server = await startTestServer({ env });
  return server;
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
  const blocked = await fetch(url);
  expect(blocked.status).toBe(403);

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
  expect(await page.text()).toMatch(/graphiql/i);
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
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const mask = createErrorMasker(pino({ level: 'info' }, sink));

  const located = new GraphQLError('boom', { path: ['subusers'], originalError: new Error('relation "secret_table" does not exist') });
  const masked = mask(located) as GraphQLError;
  expect(masked.message).toBe('Unexpected error.');
  expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(masked.path).toEqual(['subusers']);
  expect(lines.join('')).toContain('relation \\"secret_table\\" does not exist');

  const deliberate = new GraphQLError('Subuser not found: x.', { extensions: { code: 'NOT_FOUND' } });
  expect(mask(deliberate)).toBe(deliberate);
});
