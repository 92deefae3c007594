import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../access/matrix.js';
import { principalKey, type SessionRecord, type SessionStore } from './session-store.js';

/** 32 random bytes: 256 bits, above the 128-bit minimum for a bearer secret. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

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

  async create(principal: { accountId: string; subuserId: string | null; roles: readonly Role[] }): Promise<CreatedSession> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const tokenHash = hashToken(token);
    const record: SessionRecord = {
      accountId: principal.accountId,
      subuserId: principal.subuserId,
      roles: [...principal.roles],
      expiresAt: Date.now() + this.ttlSeconds * 1000,
    };
    await this.store.save(tokenHash, record);
    return { token, session: { ...record, tokenHash } };
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
