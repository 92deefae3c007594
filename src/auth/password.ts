import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id at the OWASP minimum (19 MiB, two passes, one lane). @node-rs/argon2 hashes on the libuv
 * thread pool, so a hash does not block the event loop.
 */
const HASH_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Returns why a password breaks the policy, or null when it satisfies it. */
export function passwordPolicyViolation(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`;
  }
  const missing: string[] = [];
  if (!/\p{Lu}/u.test(password)) missing.push('an upper-case letter');
  if (!/\p{Ll}/u.test(password)) missing.push('a lower-case letter');
  if (!/\p{Nd}/u.test(password)) missing.push('a digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) missing.push('a special character');
  if (missing.length > 0) {
    return `must contain ${missing.join(', ')}`;
  }
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

let dummyHash: Promise<string> | undefined;

/** Computes the dummy hash ahead of the first login, so that login is not slower than the rest. */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('Dummy-password-1');
  return dummyHash;
}

/**
 * Verifies against a fixed hash and returns false, so a login with an unknown account or login
 * costs as much time as one with a wrong password.
 */
export async function verifyAgainstDummyHash(password: string): Promise<false> {
  await verify(await prepareDummyHash(), password);
  return false;
}
