import { afterEach, expect, inject, test } from 'vitest';
import { logInAccount, seedAccount } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

let server: TestServer | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await server?.close();
  await proxy?.close();
  server = undefined;
  proxy = undefined;
});

function proxiedUrl(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.toString();
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

async function health(testServer: TestServer): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${testServer.url}/health`);
  return { status: response.status, body: await response.json() };
}

test('Redis outage gives SERVICE_UNAVAILABLE and recovers', async () => {
  const redisUrl = new URL(inject('redisUrl'));
  proxy = await startTcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  server = await startTestServer({ redisUrl: proxiedUrl(inject('redisUrl'), proxy.port) });
  const account = await seedAccount(server.database.db);
  const token = await logInAccount(server, account);

  await proxy.cut();
  const started = Date.now();
  const during = await server.request('{ me { isMainAccount } }', {}, { token });
  const elapsed = Date.now() - started;
  expect(during.data).toEqual({ me: null });
  expect(during.errors?.map((error) => error.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', service: 'redis' }]);
  // BACKEND_TIMEOUT_MS is 1000 in tests: the request must not hang waiting for Redis.
  expect(elapsed).toBeLessThan(5000);
  expect(await health(server)).toEqual({ status: 503, body: { status: 'degraded', checks: { postgres: 'ok', redis: 'unavailable' } } });

  // Fields that need no session still resolve.
  expect((await server.request('{ __typename }')).data).toEqual({ __typename: 'Query' });

  await proxy.restore();
  const recovered = await eventually(async () => {
    const result = await server!.request('{ me { isMainAccount } }', {}, { token });
    return result.errors === undefined;
  });
  expect(recovered).toBe(true);
  expect(await health(server)).toEqual({ status: 200, body: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } } });
});

test('PostgreSQL outage gives SERVICE_UNAVAILABLE and recovers', async () => {
  const databaseUrl = new URL(inject('databaseUrl'));
  proxy = await startTcpProxy(databaseUrl.hostname, Number(databaseUrl.port || 5432));
  server = await startTestServer({ databaseUrl: proxiedUrl(inject('databaseUrl'), proxy.port) });
  const account = await seedAccount(server.database.db);
  const token = await logInAccount(server, account);

  await proxy.cut();
  const during = await server.request<{ subusers: unknown; me: unknown }>('{ subusers { totalCount } me { isMainAccount } }', {}, { token });
  // The session lives in Redis, so `me` still resolves while PostgreSQL is down.
  expect(during.data).toEqual({ subusers: null, me: { isMainAccount: true } });
  expect(during.errors?.map((error) => [error.path?.join('.'), error.extensions])).toEqual([
    ['subusers', { code: 'SERVICE_UNAVAILABLE', service: 'postgres' }],
  ]);
  expect(await health(server)).toEqual({ status: 503, body: { status: 'degraded', checks: { postgres: 'unavailable', redis: 'ok' } } });

  await proxy.restore();
  const recovered = await eventually(async () => {
    const result = await server!.request('{ subusers { totalCount } }', {}, { token });
    return result.errors === undefined;
  });
  expect(recovered).toBe(true);
});
