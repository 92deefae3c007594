import type { Redis } from 'ioredis';
import type { Role } from '../access/matrix.js';
import { callRedis } from '../redis.js';

/** What the store keeps for a session, under the SHA-256 of its session_id. */
export interface SessionRecord {
  accountId: string;
  /** Null for the main account. */
  subuserId: string | null;
  roles: Role[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The owner of sessions: the main account or one subuser. */
export function principalKey(record: Pick<SessionRecord, 'accountId' | 'subuserId'>): string {
  return record.subuserId ? `subuser:${record.subuserId}` : `account:${record.accountId}`;
}

export interface SessionStore {
  save(tokenHash: string, record: SessionRecord): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  /** Deletes every session of the principal except `keepTokenHash` and returns how many it deleted. */
  deleteAllOf(principal: string, keepTokenHash?: string): Promise<number>;
  /** Replaces the roles in every live session of the principal, keeping each session's expiry. */
  setRolesOf(principal: string, roles: readonly Role[]): Promise<void>;
}

// Each script runs atomically in Redis, so a session created or deleted at the same moment cannot
// leave the principal's index and its sessions out of step.
const DELETE_ALL_SCRIPT = `
local members = redis.call('SMEMBERS', KEYS[1])
local deleted = 0
for _, member in ipairs(members) do
  if member ~= ARGV[2] then
    deleted = deleted + redis.call('DEL', ARGV[1] .. member)
    redis.call('SREM', KEYS[1], member)
  end
end
return deleted
`;

const SET_ROLES_SCRIPT = `
local members = redis.call('SMEMBERS', KEYS[1])
local roles = cjson.decode(ARGV[2])
for _, member in ipairs(members) do
  local raw = redis.call('GET', ARGV[1] .. member)
  if raw then
    local record = cjson.decode(raw)
    record.roles = roles
    redis.call('SET', ARGV[1] .. member, cjson.encode(record), 'KEEPTTL')
  else
    redis.call('SREM', KEYS[1], member)
  end
end
return #members
`;

/**
 * Sessions in Redis: `<prefix>session:<hash>` holds the record with an absolute TTL, and
 * `<prefix>principal:<principal>` indexes a principal's session hashes for revocation.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private sessionKey(tokenHash: string): string {
    return `${this.prefix}session:${tokenHash}`;
  }

  private indexKey(principal: string): string {
    return `${this.prefix}principal:${principal}`;
  }

  async save(tokenHash: string, record: SessionRecord): Promise<void> {
    const ttlMs = Math.max(1, record.expiresAt - Date.now());
    const index = this.indexKey(principalKey(record));
    await callRedis(() =>
      this.redis
        .multi()
        .set(this.sessionKey(tokenHash), JSON.stringify(record), 'PX', ttlMs)
        .sadd(index, tokenHash)
        // The index lives as long as its newest session, and the scripts prune members that expired.
        .pexpire(index, ttlMs, 'GT')
        .pexpire(index, ttlMs, 'NX')
        .exec(),
    );
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const raw = await callRedis(() => this.redis.get(this.sessionKey(tokenHash)));
    return raw ? (JSON.parse(raw) as SessionRecord) : null;
  }

  async delete(tokenHash: string): Promise<void> {
    const raw = await callRedis(() => this.redis.getdel(this.sessionKey(tokenHash)));
    if (raw) {
      const index = this.indexKey(principalKey(JSON.parse(raw) as SessionRecord));
      await callRedis(() => this.redis.srem(index, tokenHash));
    }
  }

  async deleteAllOf(principal: string, keepTokenHash = ''): Promise<number> {
    const deleted = await callRedis(() =>
      this.redis.eval(DELETE_ALL_SCRIPT, 1, this.indexKey(principal), `${this.prefix}session:`, keepTokenHash),
    );
    return Number(deleted);
  }

  async setRolesOf(principal: string, roles: readonly Role[]): Promise<void> {
    await callRedis(() =>
      this.redis.eval(SET_ROLES_SCRIPT, 1, this.indexKey(principal), `${this.prefix}session:`, JSON.stringify(roles)),
    );
  }
}

/**
 * Sessions in process memory, for a development server started without REDIS_URL. Sessions are
 * lost on restart and are not shared between processes.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();

  private live(tokenHash: string): SessionRecord | null {
    const record = this.sessions.get(tokenHash);
    if (!record) return null;
    if (record.expiresAt <= Date.now()) {
      this.sessions.delete(tokenHash);
      return null;
    }
    return record;
  }

  async save(tokenHash: string, record: SessionRecord): Promise<void> {
    this.sessions.set(tokenHash, { ...record, roles: [...record.roles] });
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const record = this.live(tokenHash);
    return record ? { ...record, roles: [...record.roles] } : null;
  }

  async delete(tokenHash: string): Promise<void> {
    this.sessions.delete(tokenHash);
  }

  async deleteAllOf(principal: string, keepTokenHash?: string): Promise<number> {
    let deleted = 0;
    for (const [tokenHash, record] of this.sessions) {
      if (tokenHash !== keepTokenHash && principalKey(record) === principal) {
        this.sessions.delete(tokenHash);
        deleted += 1;
      }
    }
    return deleted;
  }

  async setRolesOf(principal: string, roles: readonly Role[]): Promise<void> {
    for (const [tokenHash, record] of this.sessions) {
      if (principalKey(record) === principal && this.live(tokenHash)) {
        record.roles = [...roles];
      }
    }
  }
}
