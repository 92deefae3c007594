import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../access/matrix.js';
import { principalKey, type SessionRecord, type SessionStore } from './session-store.js';

/** 32 random bytes: 256 bits, above the 128-bit minimum for a bearer secret. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const MAX_CREATE_ATTEMPTS = 3;

export interface SessionOwner {
  accountId: string;
  subuserId: string | null;
}

export interface Session extends SessionRecord {
  tokenHash: string;
}

export interface CreatedSession {
  /** The session_id the client holds. Only its SHA-256 is stored. */
  token: string;
  session: Session;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates, validates and invalidates sessions. The store receives only SHA-256 hashes of session_ids. */
export class SessionManager {
  constructor(
    private readonly store: SessionStore,
    private readonly ttlSeconds: number,
  ) {}

  /** Creates a session for a principal that no revocation can race, such as a new account. */
  async create(principal: SessionOwner & { roles: readonly Role[] }): Promise<CreatedSession> {
    const created = await this.createChecked(principal, async () => ({ roles: principal.roles }));
    if (!created) throw new Error('session owner vanished while its session was created');
    return created;
  }

  /**
   * Creates a session with the roles that `loadCurrent` reads, or returns null when it reports the
   * principal gone. The principal's revocation generation is read before `loadCurrent` and checked
   * when the session is stored, so a deletion, password change or role change that lands while a
   * login is in flight either is seen by `loadCurrent` or makes this retry.
   */
  async createChecked(
    owner: SessionOwner,
    loadCurrent: () => Promise<{ roles: readonly Role[] } | null>,
  ): Promise<CreatedSession | null> {
    const principal = principalKey(owner);
    for (let attempt = 1; attempt <= MAX_CREATE_ATTEMPTS; attempt += 1) {
      const generation = await this.store.generation(principal);
      const current = await loadCurrent();
      if (!current) return null;

      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      const tokenHash = hashToken(token);
      const record: SessionRecord = {
        accountId: owner.accountId,
        subuserId: owner.subuserId,
        roles: [...current.roles],
        expiresAt: Date.now() + this.ttlSeconds * 1000,
      };
      if (await this.store.save(tokenHash, record, generation)) {
        return { token, session: { ...record, tokenHash } };
      }
    }
    throw new Error(`session for ${principal} not stored: revoked ${MAX_CREATE_ATTEMPTS} times during login`);
  }

  /** Returns the live session for a session_id, or null when it is malformed, unknown or expired. */
  async validate(token: string): Promise<Session | null> {
    if (!TOKEN_PATTERN.test(token)) {
      return null;
    }
    const tokenHash = hashToken(token);
    const record = await this.store.get(tokenHash);
    if (!record || record.expiresAt <= Date.now()) {
      return null;
    }
    return { ...record, tokenHash };
  }

  invalidate(session: Pick<Session, 'tokenHash'>): Promise<void> {
    return this.store.delete(session.tokenHash);
  }

  invalidateAllOfSubuser(subuserId: string, keep?: Pick<Session, 'tokenHash'>): Promise<number> {
    return this.store.deleteAllOf(`subuser:${subuserId}`, keep?.tokenHash);
  }

  invalidateAllOfAccount(accountId: string, keep?: Pick<Session, 'tokenHash'>): Promise<number> {
    return this.store.deleteAllOf(`account:${accountId}`, keep?.tokenHash);
  }

  /** Ends every session of the session's own principal except that session. */
  invalidateOthers(session: Session): Promise<number> {
    return this.store.deleteAllOf(principalKey(session), session.tokenHash);
  }

  updateSubuserRoles(subuserId: string, roles: readonly Role[]): Promise<void> {
    return this.store.setRolesOf(`subuser:${subuserId}`, roles);
  }
}
