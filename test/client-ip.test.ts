import { afterEach, expect, test } from 'vitest';
import { clientIpOf, rateLimitKeyOfIp } from '../src/http/client-ip.js';
import { LOG_IN, uniqueName } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

test.each([
  ['203.0.113.9', null, true, '203.0.113.9'],
  ['10.0.0.2', '198.51.100.1, 203.0.113.7', true, '203.0.113.7'],
  ['10.0.0.2', '198.51.100.1, 203.0.113.7', false, '10.0.0.2'],
  ['10.0.0.2', 'not-an-ip', true, '10.0.0.2'],
  ['10.0.0.2', '2001:db8::1', true, '2001:db8::1'],
])('clientIpOf(%s, %s, trust=%s)', (socket, forwarded, trust, expected) => {
  expect(clientIpOf(socket, forwarded, trust)).toBe(expected);
});

test.each([
  ['203.0.113.9', '203.0.113.9'],
  ['::ffff:203.0.113.9', '203.0.113.9'],
  ['2001:db8:aaaa:bbbb:1:2:3:4', '2001:db8:aaaa:bbbb::/64'],
  ['2001:db8:aaaa:bbbb::99', '2001:db8:aaaa:bbbb::/64'],
  ['2001:DB8::1', '2001:db8:0:0::/64'],
  ['::1', '0:0:0:0::/64'],
])('rateLimitKeyOfIp(%s)', (address, expected) => {
  expect(rateLimitKeyOfIp(address)).toBe(expected);
});

test('forged forwarded entries share one IP budget', async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT_PER_IP: '3', LOGIN_RATE_LIMIT_PER_IDENTITY: '100' } });
  const codes: unknown[] = [];
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const result = await server.request<{ logIn: { code?: string } | null }>(
      LOG_IN,
      { input: { email: `${uniqueName('x')}@example.com`, password: 'Wrong-password-1' } },
      // The client forges the first entry; the proxy appended the real address last.
      { headers: { 'x-forwarded-for': `198.51.100.${attempt}, 203.0.113.50` } },
    );
    codes.push(result.data?.logIn?.code ?? result.errors?.[0]?.extensions?.code);
  }
  expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED', 'RATE_LIMITED']);
});
