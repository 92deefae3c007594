import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findAccountByEmail, findAccountByName } from '../domain/accounts.js';
import { recordLoginAttempt, type LoginAttempt } from '../domain/audit.js';
import { findSubuserByLogin } from '../domain/subusers.js';
import { parseInput } from '../domain/validation.js';
import { rateLimitKeyOfIp } from '../http/client-ip.js';
import { InvalidCredentialsError, rateLimitedError } from '../errors.js';
import type { Executor } from '../db/client.js';
import { accounts, subusers } from '../db/schema.js';
import type { AppServices } from '../graphql/context.js';
import type { Role } from '../access/matrix.js';
import { PASSWORD_MAX_LENGTH, verifyAgainstDummyHash, verifyPassword } from './password.js';
import type { CreatedSession, SessionOwner } from './sessions.js';

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
 * Counts one credential attempt (a login, a sign-up or a password change) against the identity
 * and the client IP, and throws RATE_LIMITED when either is over its limit. Every attempt counts,
 * including each alias of one request.
 */
export async function assertCredentialAttemptAllowed(services: AppServices, clientIp: string, identity: string): Promise<void> {
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

interface VerifiedPrincipal {
  owner: SessionOwner;
  /** The hash the password was verified against; a different hash now means it was changed. */
  passwordHash: string;
}

/**
 * Re-reads the principal that passed the password check and returns its current roles, or null
 * when it was deleted or its password changed since. FOR SHARE waits for a transaction that is
 * deleting or changing the row, so the result is the committed state.
 */
async function loadCurrentPrincipal(db: Executor, principal: VerifiedPrincipal): Promise<{ roles: readonly Role[] } | null> {
  const { accountId, subuserId } = principal.owner;
  if (subuserId) {
    const [row] = await db
      .select({ roles: subusers.roles, passwordHash: subusers.passwordHash })
      .from(subusers)
      .where(and(eq(subusers.accountId, accountId), eq(subusers.id, subuserId)))
      .for('share');
    return row && row.passwordHash === principal.passwordHash ? { roles: row.roles } : null;
  }
  const [row] = await db
    .select({ passwordHash: accounts.passwordHash })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for('share');
  return row && row.passwordHash === principal.passwordHash ? { roles: [] } : null;
}

/**
 * Creates the session of a verified principal and writes the attempt's audit record in one
 * transaction, so a session that could not be stored rolls the record back. A failed attempt, or
 * one whose principal was deleted or got a new password while the password was being checked,
 * writes a failure record and throws InvalidCredentialsError.
 */
async function finishLogin(services: AppServices, attempt: LoginAttempt, principal: VerifiedPrincipal | null): Promise<CreatedSession> {
  if (principal) {
    const created = await services.db.transaction(async (tx) => {
      const session = await services.sessions.createChecked(principal.owner, () => loadCurrentPrincipal(services.db, principal));
      if (session) await recordLoginAttempt(tx, attempt);
      return session;
    });
    if (created) return created;
  }

  const failure: LoginAttempt = { ...attempt, succeeded: false, subuserId: null };
  await recordLoginAttempt(services.db, failure);
  services.logger.child({ module: 'login' }).info({ clientIp: attempt.clientIp, operation: attempt.operation }, 'login failed');
  throw new InvalidCredentialsError();
}

/**
 * Logs in a main account by e-mail; throws InvalidCredentialsError on any mismatch. Every attempt
 * that passes input validation and the rate limit writes one audit record.
 */
export async function logInAccount(services: AppServices, clientIp: string, input: AccountLoginInput): Promise<CreatedSession> {
  const { email, password } = parseInput(accountLoginSchema, input);
  await assertCredentialAttemptAllowed(services, clientIp, `account:${email.trim().toLowerCase()}`);

  const account = await findAccountByEmail(services.db, email);
  const valid = account ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDummyHash(password);
  const attempt: LoginAttempt = {
    operation: 'LOG_IN',
    succeeded: Boolean(account && valid),
    accountId: account?.id ?? null,
    subuserId: null,
    target: account ? { type: 'ACCOUNT', id: account.id } : null,
    attemptedLogin: email.trim().toLowerCase(),
    clientIp,
  };
  return finishLogin(
    services,
    attempt,
    account && valid ? { owner: { accountId: account.id, subuserId: null }, passwordHash: account.passwordHash } : null,
  );
}

/**
 * Logs in a subuser through its account's name; throws InvalidCredentialsError on any mismatch.
 * Every attempt that passes input validation and the rate limit writes one audit record.
 */
export async function logInSubuser(services: AppServices, clientIp: string, input: SubuserLoginInput): Promise<CreatedSession> {
  const { accountName, login, password } = parseInput(subuserLoginSchema, input);
  const normalizedAccount = accountName.trim().toLowerCase();
  const normalizedLogin = login.trim().toLowerCase();
  await assertCredentialAttemptAllowed(services, clientIp, `subuser:${normalizedAccount}:${normalizedLogin}`);

  const account = await findAccountByName(services.db, normalizedAccount);
  const subuser = account ? await findSubuserByLogin(services.db, account.id, normalizedLogin) : undefined;
  const valid = subuser ? await verifyPassword(subuser.passwordHash, password) : await verifyAgainstDummyHash(password);
  const succeeded = Boolean(account && subuser && valid);
  const attempt: LoginAttempt = {
    operation: 'LOG_IN_SUBUSER',
    succeeded,
    accountId: account?.id ?? null,
    subuserId: succeeded && subuser ? subuser.id : null,
    // A failed attempt still names the subuser it tried, so the audit log shows attacks on one login.
    target: subuser ? { type: 'SUBUSER', id: subuser.id } : null,
    attemptedLogin: normalizedLogin,
    clientIp,
  };
  return finishLogin(
    services,
    attempt,
    account && subuser && valid ? { owner: { accountId: account.id, subuserId: subuser.id }, passwordHash: subuser.passwordHash } : null,
  );
}
