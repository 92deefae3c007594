import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { subusers } from '../src/db/schema.js';
import { PASSWORD, logInAccount, logInAs, seedAccount, seedSubuser } from './helpers/fixtures.js';
import { useTestServers, type TestServer } from './helpers/server.js';

const start = useTestServers();

const ME = '{ me { isMainAccount roles sections subuser { login } } }';

function sessionKey(testServer: TestServer, token: string): string {
  return `${testServer.config.REDIS_KEY_PREFIX}session:${createHash('sha256').update(token).digest('hex')}`;
}

function codes(result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

test('session is stored hashed with an 8-hour TTL', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const token = await logInAccount(testServer, account);

  expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  const ttlSeconds = await testServer.redis.ttl(sessionKey(testServer, token));
  expect(ttlSeconds).toBeGreaterThan(8 * 3600 - 60);
  expect(ttlSeconds).toBeLessThanOrEqual(8 * 3600);

  const stored = await testServer.redis.keys(`${testServer.config.REDIS_KEY_PREFIX}*`);
  for (const key of stored) {
    expect(key).not.toContain(token);
    const type = await testServer.redis.type(key);
    const value = type === 'string' ? await testServer.redis.get(key) : (await testServer.redis.smembers(key)).join(',');
    expect(value).not.toContain(token);
  }
});

test('login returns expiry and viewer', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const before = Date.now();
  const result = await testServer.request<{ logIn: { sessionId: string; expiresAt: string; viewer: { isMainAccount: boolean } } }>(
    `mutation ($input: LogInInput!) {
      logIn(input: $input) { ... on SessionPayload { sessionId expiresAt viewer { isMainAccount } } }
    }`,
    { input: { email: account.email.toUpperCase(), password: PASSWORD } },
  );
  expect(result.errors).toBeUndefined();
  const expiresAt = Date.parse(result.data!.logIn.expiresAt);
  expect(expiresAt - before).toBeGreaterThanOrEqual(8 * 3600 * 1000 - 5000);
  expect(expiresAt - before).toBeLessThanOrEqual(8 * 3600 * 1000 + 5000);
  expect(result.data!.logIn.viewer).toEqual({ isMainAccount: true });
});

test('short configured TTL expires the session', async () => {
  const testServer = await start({ SESSION_TTL_SECONDS: '1' });
  const account = await seedAccount(testServer.database.db);
  const token = await logInAccount(testServer, account);

  const fresh = await testServer.request(ME, {}, { token });
  expect(fresh.errors).toBeUndefined();

  await new Promise((resolve) => setTimeout(resolve, 1500));
  const expired = await testServer.request(ME, {}, { token });
  expect(expired.data).toEqual({ me: null });
  expect(codes(expired)).toEqual(['UNAUTHENTICATED']);
  expect(await testServer.redis.exists(sessionKey(testServer, token))).toBe(0);
});

test('logOut ends the session and clears the cookie', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const token = await logInAccount(testServer, account);
  const other = await logInAccount(testServer, account);

  const result = await testServer.request<{ logOut: boolean }>('mutation { logOut }', {}, { token });
  expect(result.data).toEqual({ logOut: true });
  const cleared = result.headers.get('set-cookie') ?? '';
  expect(cleared).toMatch(/^panel_session=;/);
  expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/i);
  expect(cleared).toMatch(/HttpOnly/i);
  expect(cleared).toMatch(/SameSite=Lax/i);

  expect(codes(await testServer.request(ME, {}, { token }))).toEqual(['UNAUTHENTICATED']);
  // Other sessions of the same account stay valid.
  expect((await testServer.request(ME, {}, { token: other })).errors).toBeUndefined();
});

test('cookie and bearer both authenticate', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['DEVELOPER']);

  const login = await testServer.request<{ logInSubuser: { sessionId: string } }>(
    `mutation ($input: LogInSubuserInput!) { logInSubuser(input: $input) { ... on SessionPayload { sessionId } } }`,
    { input: { accountName: account.name, login: subuser.login, password: PASSWORD } },
  );
  const setCookie = login.headers.get('set-cookie') ?? '';
  const token = login.data!.logInSubuser.sessionId;
  expect(setCookie).toContain(`panel_session=${token}`);
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  expect(setCookie).toMatch(/Path=\//i);
  expect(setCookie).not.toMatch(/Secure/i);

  const byCookie = await testServer.request(ME, {}, { cookie: `panel_session=${token}` });
  const byBearer = await testServer.request(ME, {}, { token });
  const expected = {
    me: { isMainAccount: false, roles: ['DEVELOPER'], sections: expect.arrayContaining(['SCENARIOS']), subuser: { login: subuser.login } },
  };
  expect(byCookie.errors).toBeUndefined();
  expect(byCookie.data).toEqual(expected);
  expect(byBearer.data).toEqual(expected);
});

test.each(['https://panel.example', 'HTTPS://Panel.Example'])('cookie is Secure for %s', async (publicUrl) => {
  const testServer = await start({ PUBLIC_URL: publicUrl });
  const account = await seedAccount(testServer.database.db);
  const result = await testServer.request(
    `mutation ($input: LogInInput!) { logIn(input: $input) { __typename } }`,
    { input: { email: account.email, password: PASSWORD } },
  );
  expect(result.headers.get('set-cookie')).toMatch(/; Secure/i);
});

test('deleting a subuser ends its sessions', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);
  const subuserToken = await logInAs(testServer, account, subuser);
  const secondToken = await logInAs(testServer, account, subuser);
  const mainToken = await logInAccount(testServer, account);

  const deleted = await testServer.request('mutation ($id: ID!) { deleteSubuser(input: { id: $id }) { deletedId } }', { id: subuser.id }, { token: mainToken });
  expect(deleted.errors).toBeUndefined();

  for (const token of [subuserToken, secondToken]) {
    expect(codes(await testServer.request(ME, {}, { token }))).toEqual(['UNAUTHENTICATED']);
    expect(await testServer.redis.exists(sessionKey(testServer, token))).toBe(0);
  }
});

test('password set by the main account ends all subuser sessions', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);
  const subuserToken = await logInAs(testServer, account, subuser);
  const mainToken = await logInAccount(testServer, account);

  const result = await testServer.request<{ updateSubuser: { __typename: string } }>(
    'mutation ($input: UpdateSubuserInput!) { updateSubuser(input: $input) { __typename } }',
    { input: { id: subuser.id, password: 'Another-pass-7' } },
    { token: mainToken },
  );
  expect(result.data).toEqual({ updateSubuser: { __typename: 'SubuserPayload' } });
  expect(codes(await testServer.request(ME, {}, { token: subuserToken }))).toEqual(['UNAUTHENTICATED']);
  await expect(logInAs(testServer, account, subuser)).rejects.toThrow(/INVALID_CREDENTIALS|logInSubuser failed/);
  await expect(logInAs(testServer, account, subuser, 'Another-pass-7')).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
});

test('changePassword keeps the current session and ends the others', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['ACCOUNTANT']);
  const current = await logInAs(testServer, account, subuser);
  const other = await logInAs(testServer, account, subuser);

  const wrong = await testServer.request<{ changePassword: Record<string, unknown> }>(
    `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on InputError { code field } } }`,
    { input: { currentPassword: 'Wrong-password-1', newPassword: 'Brand-new-pass-2' } },
    { token: current },
  );
  expect(wrong.data).toEqual({ changePassword: { __typename: 'InputError', code: 'BAD_USER_INPUT', field: 'input.currentPassword' } });
  expect((await testServer.request(ME, {}, { token: other })).errors).toBeUndefined();

  const changed = await testServer.request<{ changePassword: Record<string, unknown> }>(
    `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on ChangePasswordPayload { endedSessions } } }`,
    { input: { currentPassword: PASSWORD, newPassword: 'Brand-new-pass-2' } },
    { token: current },
  );
  expect(changed.data).toEqual({ changePassword: { __typename: 'ChangePasswordPayload', endedSessions: 1 } });
  expect((await testServer.request(ME, {}, { token: current })).errors).toBeUndefined();
  expect(codes(await testServer.request(ME, {}, { token: other }))).toEqual(['UNAUTHENTICATED']);
  await expect(logInAs(testServer, account, subuser, 'Brand-new-pass-2')).resolves.toBeTruthy();
});

test('main account changePassword ends its other sessions', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const current = await logInAccount(testServer, account);
  const other = await logInAccount(testServer, account);

  const changed = await testServer.request<{ changePassword: Record<string, unknown> }>(
    `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ... on ChangePasswordPayload { endedSessions } } }`,
    { input: { currentPassword: PASSWORD, newPassword: 'Main-new-pass-3' } },
    { token: current },
  );
  expect(changed.data).toEqual({ changePassword: { endedSessions: 1 } });
  expect(codes(await testServer.request(ME, {}, { token: other }))).toEqual(['UNAUTHENTICATED']);
  await expect(logInAccount(testServer, account, 'Main-new-pass-3')).resolves.toBeTruthy();
});

test('role change applies on the next request', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);
  const subuserToken = await logInAs(testServer, account, subuser);
  const mainToken = await logInAccount(testServer, account);

  const before = await testServer.request('{ subusers { totalCount } }', {}, { token: subuserToken });
  expect(before.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', section: 'SUBUSERS' });

  const set = await testServer.request(
    'mutation ($input: SetSubuserRolesInput!) { setSubuserRoles(input: $input) { ... on SubuserPayload { subuser { roles } } } }',
    { input: { id: subuser.id, roles: ['OWNER', 'PAYER'] } },
    { token: mainToken },
  );
  expect(set.data).toEqual({ setSubuserRoles: { subuser: { roles: ['OWNER', 'PAYER'] } } });

  const after = await testServer.request<{ subusers: { totalCount: number }; me: { roles: string[] } }>(
    '{ subusers { totalCount } me { roles } }',
    {},
    { token: subuserToken },
  );
  expect(after.errors).toBeUndefined();
  expect(after.data).toEqual({ subusers: { totalCount: 1 }, me: { roles: ['OWNER', 'PAYER'] } });
  // The TTL survives the rewrite.
  expect(await testServer.redis.ttl(sessionKey(testServer, subuserToken))).toBeGreaterThan(8 * 3600 - 60);
});

test('account A cannot read or change account B', async () => {
  const testServer = await start();
  const accountA = await seedAccount(testServer.database.db, 'tenant-a');
  const accountB = await seedAccount(testServer.database.db, 'tenant-b');
  const subuserB = await seedSubuser(testServer.database.db, accountB.id, ['SUPPORT']);
  const tokenA = await logInAccount(testServer, accountA);
  const missingId = '00000000-0000-4000-8000-000000000000';

  for (const id of [subuserB.id, missingId]) {
    const read = await testServer.request('query ($id: ID!) { subuser(id: $id) { login } }', { id }, { token: tokenA });
    expect(read.data).toEqual({ subuser: null });
    expect(read.errors?.map((error) => [error.message, error.extensions])).toEqual([
      [`Subuser not found: ${id}.`, { code: 'NOT_FOUND', type: 'Subuser', id }],
    ]);

    const mutations = await testServer.request(
      `mutation ($id: ID!) {
        updateSubuser(input: { id: $id, description: "hijacked" }) { __typename }
        setSubuserRoles(input: { id: $id, roles: [OWNER] }) { __typename }
        deleteSubuser(input: { id: $id }) { deletedId }
      }`,
      { id },
      { token: tokenA },
    );
    expect(mutations.data).toEqual({ updateSubuser: null, setSubuserRoles: null, deleteSubuser: null });
    expect(mutations.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  }

  const list = await testServer.request<{ subusers: { totalCount: number } }>('{ subusers { totalCount } }', {}, { token: tokenA });
  expect(list.data).toEqual({ subusers: { totalCount: 0 } });

  const rowB = await testServer.database.db.query.subusers.findFirst({ where: eq(subusers.id, subuserB.id) });
  expect(rowB).toEqual(subuserB);
});

test('authenticating costs one Redis call and no SQL', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPERVISOR', 'PAYER']);
  const token = await logInAs(testServer, account, subuser);

  const commands: string[] = [];
  const sendCommand = testServer.redis.sendCommand.bind(testServer.redis);
  testServer.redis.sendCommand = (command, stream) => {
    commands.push(command.name);
    return sendCommand(command, stream);
  };
  testServer.statements.length = 0;

  const result = await testServer.request('{ me { isMainAccount roles sections sessionExpiresAt } roles { role } }', {}, { token });
  expect(result.errors).toBeUndefined();
  expect(commands).toEqual(['get']);
  expect(testServer.statements).toEqual([]);
});

test('invalid session_id says to log in again', async () => {
  const testServer = await start();
  const missing = await testServer.request(ME);
  expect(missing.errors?.map((error) => error.message)).toEqual([
    'Authentication required: send a session_id as a Bearer token or the session cookie.',
  ]);

  for (const options of [{ token: 'not-a-session' }, { cookie: `panel_session=${'A'.repeat(43)}` }]) {
    const invalid = await testServer.request(ME, {}, options);
    expect(invalid.errors?.map((error) => [error.message, error.extensions?.code])).toEqual([
      ['The session is invalid, expired or ended: log in again.', 'UNAUTHENTICATED'],
    ]);
  }
});
