import { eq } from 'drizzle-orm';
import { afterEach, expect, test } from 'vitest';
import { RedisSessionStore } from '../src/auth/session-store.js';
import { SessionManager } from '../src/auth/sessions.js';
import { subusers } from '../src/db/schema.js';
import { LOG_IN_SUBUSER, PASSWORD, logInAccount, logInAs, seedAccount, seedSubuser } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ME = '{ me { roles } }';
const ATTEMPTS = 6;

type LogInResult = { logInSubuser: { sessionId?: string } | null };

test('login racing a delete leaves no live session', async () => {
  server = await startTestServer();
  const account = await seedAccount(server.database.db);
  const mainToken = await logInAccount(server, account);

  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const subuser = await seedSubuser(server.database.db, account.id, ['ADMIN']);
    const [login] = await Promise.all([
      server.request<LogInResult>(LOG_IN_SUBUSER, { input: { accountName: account.name, login: subuser.login, password: PASSWORD } }),
      server.request('mutation ($id: ID!) { deleteSubuser(input: { id: $id }) { deletedId } }', { id: subuser.id }, { token: mainToken }),
    ]);
    const token = login.data?.logInSubuser?.sessionId;
    if (token) {
      const me = await server.request(ME, {}, { token });
      expect(me.errors?.[0]?.extensions?.code, `attempt ${attempt}`).toBe('UNAUTHENTICATED');
    }
  }
});

test('login racing a role change gets the new roles', async () => {
  server = await startTestServer();
  const account = await seedAccount(server.database.db);
  const mainToken = await logInAccount(server, account);

  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const subuser = await seedSubuser(server.database.db, account.id, ['OWNER']);
    const [login] = await Promise.all([
      server.request<LogInResult>(LOG_IN_SUBUSER, { input: { accountName: account.name, login: subuser.login, password: PASSWORD } }),
      server.request(
        'mutation ($input: SetSubuserRolesInput!) { setSubuserRoles(input: $input) { __typename } }',
        { input: { id: subuser.id, roles: ['PAYER'] } },
        { token: mainToken },
      ),
    ]);
    const token = login.data?.logInSubuser?.sessionId;
    expect(token, `attempt ${attempt}`).toBeTruthy();
    const me = await server.request<{ me: { roles: string[] } }>(ME, {}, { token: token! });
    expect(me.data?.me.roles, `attempt ${attempt}`).toEqual(['PAYER']);
  }
});

test('delete during a Redis outage rolls back and can be retried', async () => {
  server = await startTestServer();

  const account = await seedAccount(server.database.db);
  const subuser = await seedSubuser(server.database.db, account.id, ['ADMIN']);
  const mainToken = await logInAccount(server, account);
  const subuserToken = await logInAs(server, account, subuser);

  // The request authenticates through Redis before it revokes, so a network cut cannot hit only
  // the revocation. The real client instead fails its EVAL calls the way a dropped connection does.
  const evalCommand = server.redis.eval.bind(server.redis);
  server.redis.eval = (async () => {
    throw new Error('Connection is closed.');
  }) as typeof server.redis.eval;

  const failed = await server.request('mutation ($id: ID!) { deleteSubuser(input: { id: $id }) { deletedId } }', { id: subuser.id }, { token: mainToken });
  expect(failed.errors?.map((error) => error.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', service: 'redis' }]);
  expect(await server.database.db.query.subusers.findFirst({ where: eq(subusers.id, subuser.id) })).toEqual(subuser);

  server.redis.eval = evalCommand;
  const retried = await server.request('mutation ($id: ID!) { deleteSubuser(input: { id: $id }) { deletedId } }', { id: subuser.id }, { token: mainToken });
  expect(retried.data).toEqual({ deleteSubuser: { deletedId: subuser.id } });
  expect((await server.request(ME, {}, { token: subuserToken })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

test('store rejects a session after a revocation', async () => {
  server = await startTestServer();
  const store = new RedisSessionStore(server.redis, server.config.REDIS_KEY_PREFIX, 60_000);
  const principal = 'subuser:00000000-0000-4000-8000-000000000001';
  const record = {
    accountId: '00000000-0000-4000-8000-000000000000',
    subuserId: '00000000-0000-4000-8000-000000000001',
    roles: ['ADMIN' as const],
    expiresAt: Date.now() + 60_000,
  };

  const before = await store.generation(principal);
  await store.deleteAllOf(principal);
  expect(await store.save('a'.repeat(64), record, before)).toBe(false);
  expect(await store.get('a'.repeat(64))).toBeNull();

  const current = await store.generation(principal);
  expect(current).not.toBe(before);
  expect(await store.save('b'.repeat(64), record, current)).toBe(true);
  expect(await store.get('b'.repeat(64))).toEqual(record);
});

test('login retries when a revocation lands mid-login', async () => {
  server = await startTestServer();
  const store = new RedisSessionStore(server.redis, server.config.REDIS_KEY_PREFIX, 60_000);
  const sessions = new SessionManager(store, 60);
  const owner = { accountId: '00000000-0000-4000-8000-000000000000', subuserId: '00000000-0000-4000-8000-000000000002' };

  // The first load runs while a role change lands, as a racing setSubuserRoles would.
  let loads = 0;
  const created = await sessions.createChecked(owner, async () => {
    loads += 1;
    if (loads === 1) await store.setRolesOf(`subuser:${owner.subuserId}`, ['PAYER']);
    return { roles: loads === 1 ? ['OWNER'] : ['PAYER'] };
  });
  expect(loads).toBe(2);
  expect(created?.session.roles).toEqual(['PAYER']);

  // A principal revoked on every attempt gets no session at all.
  await expect(
    sessions.createChecked(owner, async () => {
      await store.deleteAllOf(`subuser:${owner.subuserId}`);
      return { roles: ['OWNER'] };
    }),
  ).rejects.toThrow(/revoked 3 times/);
});
