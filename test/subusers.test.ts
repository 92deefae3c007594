import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { AccountRow } from '../src/db/schema.js';
import { subusers } from '../src/db/schema.js';
import { PASSWORD, logInAccount, seedAccount, seedSubuser } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let account: AccountRow;
let token: string;

beforeEach(async () => {
  server = await startTestServer();
  account = await seedAccount(server.database.db);
  token = await logInAccount(server, account);
});

afterEach(async () => {
  await server.close();
});

const CREATE = `mutation ($input: CreateSubuserInput!) {
  createSubuser(input: $input) {
    __typename
    ... on SubuserPayload { subuser { id login email description roles } }
    ... on MutationError { code message }
    ... on InputError { field }
    ... on AlreadyExistsError { field }
  }
}`;

type Payload = Record<string, unknown> & { subuser?: { id: string } };

async function create(input: Record<string, unknown>) {
  return server.request<{ createSubuser: Payload }>(CREATE, { input }, { token });
}

async function subuserRows() {
  return server.database.db.select().from(subusers).where(eq(subusers.accountId, account.id));
}

test('createSubuser stores a lower-case login and de-duplicated roles', async () => {
  const result = await create({
    login: 'Jane.Doe',
    password: PASSWORD,
    roles: ['DEVELOPER', 'SUPPORT', 'DEVELOPER'],
    email: 'Jane@Example.com',
    description: '  Night shift  ',
  });
  expect(result.errors).toBeUndefined();
  expect(result.data?.createSubuser).toMatchObject({
    __typename: 'SubuserPayload',
    subuser: { login: 'jane.doe', email: 'jane@example.com', description: 'Night shift', roles: ['DEVELOPER', 'SUPPORT'] },
  });
  const rows = await subuserRows();
  expect(rows.map((row) => row.login)).toEqual(['jane.doe']);
  expect(rows[0]?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});

test.each([
  [{ login: 'has space' }, 'input.login', 'BAD_USER_INPUT'],
  [{ login: 'x'.repeat(65) }, 'input.login', 'BAD_USER_INPUT'],
  [{ login: 'ok', roles: [] }, 'input.roles', 'BAD_USER_INPUT'],
  [{ login: 'ok', email: 'not-an-email' }, 'input.email', 'BAD_USER_INPUT'],
  [{ login: 'ok', description: 'd'.repeat(501) }, 'input.description', 'BAD_USER_INPUT'],
  [{ login: 'ok', password: 'weak' }, 'input.password', 'BAD_USER_INPUT'],
])('createSubuser rejects %o', async (override, field, code) => {
  const result = await create({ password: PASSWORD, roles: ['SUPPORT'], ...override });
  expect(result.errors).toBeUndefined();
  expect(result.data?.createSubuser).toMatchObject({ __typename: 'InputError', code, field });
  expect(await subuserRows()).toEqual([]);
});

test('unknown role is rejected by the schema', async () => {
  const result = await create({ login: 'ok', password: PASSWORD, roles: ['ROOT'] });
  expect(result.data).toBeUndefined();
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(await subuserRows()).toEqual([]);
});

test('login is unique in the account, ignoring case', async () => {
  await seedSubuser(server.database.db, account.id, ['SUPPORT'], 'taken');
  const result = await create({ login: 'TAKEN', password: PASSWORD, roles: ['ADMIN'] });
  expect(result.data?.createSubuser).toEqual({
    __typename: 'AlreadyExistsError',
    code: 'ALREADY_EXISTS',
    field: 'input.login',
    message: 'The login "taken" is already taken in this account.',
  });
  const rows = await subuserRows();
  expect(rows.map((row) => [row.login, row.roles])).toEqual([['taken', ['SUPPORT']]]);

  // The same login is free in another account.
  const other = await seedAccount(server.database.db, 'other');
  await expect(seedSubuser(server.database.db, other.id, ['SUPPORT'], 'taken')).resolves.toMatchObject({ login: 'taken' });
});

test('updateSubuser changes and clears fields', async () => {
  const subuser = await seedSubuser(server.database.db, account.id, ['SUPPORT']);
  const UPDATE = `mutation ($input: UpdateSubuserInput!) {
    updateSubuser(input: $input) { ... on SubuserPayload { subuser { email description } } ... on InputError { field } }
  }`;

  const set = await server.request(UPDATE, { input: { id: subuser.id, email: 'A@B.io', description: 'Team lead' } }, { token });
  expect(set.data).toEqual({ updateSubuser: { subuser: { email: 'a@b.io', description: 'Team lead' } } });

  const untouched = await server.request(UPDATE, { input: { id: subuser.id, description: 'Only this' } }, { token });
  expect(untouched.data).toEqual({ updateSubuser: { subuser: { email: 'a@b.io', description: 'Only this' } } });

  const cleared = await server.request(UPDATE, { input: { id: subuser.id, email: '', description: '' } }, { token });
  expect(cleared.data).toEqual({ updateSubuser: { subuser: { email: null, description: null } } });

  const invalid = await server.request(UPDATE, { input: { id: subuser.id, email: 'broken' } }, { token });
  expect(invalid.data).toEqual({ updateSubuser: { field: 'input.email' } });
  const [row] = await subuserRows();
  expect(row?.email).toBeNull();
});

test('setSubuserRoles refuses to remove the last role', async () => {
  const subuser = await seedSubuser(server.database.db, account.id, ['SUPPORT', 'PAYER']);
  const result = await server.request(
    'mutation ($input: SetSubuserRolesInput!) { setSubuserRoles(input: $input) { __typename ... on InputError { code field message } } }',
    { input: { id: subuser.id, roles: [] } },
    { token },
  );
  expect(result.data).toEqual({
    setSubuserRoles: { __typename: 'InputError', code: 'BAD_USER_INPUT', field: 'input.roles', message: 'A subuser needs at least one role.' },
  });
  const [row] = await subuserRows();
  expect(row?.roles).toEqual(['SUPPORT', 'PAYER']);
});

test('subusers pages newest first with stable cursors', async () => {
  const logins: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    const row = await seedSubuser(server.database.db, account.id, ['SUPPORT'], `page-${index}`);
    logins.push(row.login);
  }
  const PAGE = `query ($after: String) {
    subusers(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { login roles } }
  }`;
  type Page = { subusers: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ login: string }> } };

  const seen: string[] = [];
  let after: string | null = null;
  const hasNext: boolean[] = [];
  for (let page = 0; page < 3; page += 1) {
    const result: { data: Page | null | undefined } = await server.request<Page>(PAGE, { after }, { token });
    expect(result.data?.subusers.totalCount).toBe(5);
    seen.push(...result.data!.subusers.nodes.map((node) => node.login));
    hasNext.push(result.data!.subusers.pageInfo.hasNextPage);
    after = result.data!.subusers.pageInfo.endCursor;
  }
  expect(seen).toEqual([...logins].reverse());
  expect(hasNext).toEqual([true, true, false]);
});

test('page size and cursor are validated', async () => {
  const tooLarge = await server.request('{ subusers(first: 101) { totalCount } }', {}, { token });
  expect(tooLarge.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([['BAD_USER_INPUT', 'first']]);

  const forged = [
    'nope',
    `-200000-01-01T00:00:00.000Z|${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
    `2026-01-01|00000000-0000-4000-8000-000000000000`,
    `2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`,
  ];
  for (const text of forged) {
    const cursor = Buffer.from(text).toString('base64url');
    const badCursor = await server.request('query ($after: String) { subusers(after: $after) { totalCount } }', { after: cursor }, { token });
    expect(badCursor.errors?.map((error) => [error.extensions?.code, error.extensions?.field]), text).toEqual([['BAD_USER_INPUT', 'after']]);
  }
});

test('malformed subuser ID is NOT_FOUND', async () => {
  const result = await server.request('{ subuser(id: "not-a-uuid") { login } }', {}, { token });
  expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
});
