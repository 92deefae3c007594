import { eq } from 'drizzle-orm';
import { afterEach, expect, test } from 'vitest';
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
