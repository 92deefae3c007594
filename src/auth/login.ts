import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findAccountByEmail, findAccountByName } from '../domain/accounts.js';
import { findSubuserByLogin } from '../domain/subusers.js';
import { parseInput } from '../domain/validation.js';
import { rateLimitKeyOfIp } from '../http/client-ip.js';
import { InvalidCredentialsError, rateLimitedError } from '../errors.js';
import type { AppServices } from '../graphql/context.js';
import { PASSWORD_MAX_LENGTH, verifyAgainstDummyHash, verifyPassword } from './password.js';
import type { CreatedSession } from './sessions.js';

// Lengths are capped so a login attempt never hashes an unbounded string; the policy itself is
// checked only when a password is set.
const credential = (max: number) => z.string().max(max, `Must be at most ${max} characters.`);

const accountLoginSchema = z.object({ email: credential(254), password: credential(PASSWORD_MAX_LENGTH) });
const subuserLoginSchema = z.object({
  accountName: credential(64),
  login: credential(64),
  password: credential(PASSWORD_MAX_LENGTH),
});

export type AccountLoginInput = z.input<typeof accountLoginSchema>;
export type SubuserLoginInput = z.input<typeof subuserLoginSchema>;


function identityKey(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

/**
 * Counts one login attempt against the identity and the client IP, and throws RATE_LIMITED when
 * either is over its limit. Every attempt counts, including each alias of one request.
 */
export async function assertLoginAllowed(services: AppServices, clientIp: string, identity: string): Promise<void> {
  const { config, rateLimiter } = services;
  const windowSeconds = config.LOGIN_RATE_LIMIT_WINDOW_SECONDS;
  const [byIdentity, byIp] = await Promise.all([
    rateLimiter.hit(`login:identity:${identityKey(identity)}`, windowSeconds),
    rateLimiter.hit(`login:ip:${rateLimitKeyOfIp(clientIp)}`, windowSeconds),
  ]);
  const log = services.logger.child({ module: 'login' });
  if (byIdentity.count > config.LOGIN_RATE_LIMIT_PER_IDENTITY) {
    log.info({ clientIp, count: byIdentity.count }, 'login rate limit reached for identity');
    throw rateLimitedError(byIdentity.resetSeconds);
  }
  if (byIp.count > config.LOGIN_RATE_LIMIT_PER_IP) {
    log.info({ clientIp, count: byIp.count }, 'login rate limit reached for client IP');
    throw rateLimitedError(byIp.resetSeconds);
  }
}

/** Logs in a main account by e-mail; throws InvalidCredentialsError on any mismatch. */
export async function logInAccount(services: AppServices, clientIp: string, input: AccountLoginInput): Promise<CreatedSession> {
  const { email, password } = parseInput(accountLoginSchema, input);
  await assertLoginAllowed(services, clientIp, `account:${email.trim().toLowerCase()}`);

  const account = await findAccountByEmail(services.db, email);
  const valid = account ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDummyHash(password);
  if (!account || !valid) {
    services.logger.child({ module: 'login' }).info({ clientIp, kind: 'account' }, 'login failed');
    throw new InvalidCredentialsError();
  }
  return services.sessions.create({ accountId: account.id, subuserId: null, roles: [] });
}

/** Logs in a subuser through its account's name; throws InvalidCredentialsError on any mismatch. */
export async function logInSubuser(services: AppServices, clientIp: string, input: SubuserLoginInput): Promise<CreatedSession> {
  const { accountName, login, password } = parseInput(subuserLoginSchema, input);
  const normalizedAccount = accountName.trim().toLowerCase();
  const normalizedLogin = login.trim().toLowerCase();
  await assertLoginAllowed(services, clientIp, `subuser:${normalizedAccount}:${normalizedLogin}`);

  const account = await findAccountByName(services.db, normalizedAccount);
  const subuser = account ? await findSubuserByLogin(services.db, account.id, normalizedLogin) : undefined;
  const valid = subuser ? await verifyPassword(subuser.passwordHash, password) : await verifyAgainstDummyHash(password);
  if (!account || !subuser || !valid) {
    services.logger.child({ module: 'login' }).info({ clientIp, kind: 'subuser' }, 'login failed');
    throw new InvalidCredentialsError();
  }
  return services.sessions.create({ accountId: account.id, subuserId: subuser.id, roles: subuser.roles });
}
