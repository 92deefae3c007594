import type { Redis } from 'ioredis';
import type { Role } from '../access/matrix.js';
import { callRedis } from '../redis.js';

/** Session record, stored under the SHA-256 of its session_id. */
export interface SessionRecord {
  accountId: string;
  /** Null for the main account. */
  subuserId: string | null;
  roles: Role[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Returns the key of a session's owner: the main account or one subuser. */
export function principalKey(record: Pick<SessionRecord, 'accountId' | 'subuserId'>): string {
  return record.subuserId ? `subuser:${record.subuserId}` : `account:${record.accountId}`;
}

export interface SessionStore {
  /**
   * Returns the principal's revocation generation. Every deleteAllOf and setRolesOf call changes
   * it, so a login can tell whether one ran while it was checking the password.
   */
  generation(principal: string): Promise<string>;
  /** Stores the session unless the principal's generation moved past `expectedGeneration`. */
  save(tokenHash: string, record: SessionRecord, expectedGeneration: string): Promise<boolean>;
  get(tokenHash: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  /** Deletes every session of the principal except `keepTokenHash` and returns how many it deleted. */
  deleteAllOf(principal: string, keepTokenHash?: string): Promise<number>;
  /** Replaces the roles in every live session of the principal, keeping each session's expiry. */
  setRolesOf(principal: string, roles: readonly Role[]): Promise<void>;
}

// Each script runs atomically in Redis, so a session created or deleted at the same moment cannot
// leave the principal's index and its sessions out of step. The session keys are built inside the
// scripts from the index's members, which a single Redis node allows but Redis Cluster does not.
const SAVE_SCRIPT = `
local generation = redis.call('GET', KEYS[3]) or '0'
if generation ~= ARGV[3] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'GT')
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'NX')
return 1
`;

const DELETE_ALL_SCRIPT = `
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
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
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
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
 * Sessions in Redis: `<prefix>session:<hash>` contains the record with an absolute TTL, and
 * `<prefix>principal:<principal>` indexes a principal's session hashes for revocation.
 */
export class RedisSessionStore implements SessionStore {
  /**
   * `generationTtlMs` keeps a generation key alive well beyond any login in progress. It is the
   * session lifetime, so the keys of idle principals expire.
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly generationTtlMs: number,
  ) {}

  private sessionKey(tokenHash: string): string {
    return `${this.prefix}session:${tokenHash}`;
  }

  private indexKey(principal: string): string {
    return `${this.prefix}principal:${principal}`;
  }

  private generationKey(principal: string): string {
    return `${this.prefix}generation:${principal}`;
  }

  async generation(principal: string): Promise<string> {
    return (await callRedis(() => this.redis.get(this.generationKey(principal)))) ?? '0';
  }

  async save(tokenHash: string, record: SessionRecord, expectedGeneration: string): Promise<boolean> {
    const ttlMs = Math.max(1, record.expiresAt - Date.now());
    const principal = principalKey(record);
    const saved = await callRedis(() =>
      this.redis.eval(
        SAVE_SCRIPT,
        3,
        this.sessionKey(tokenHash),
        this.indexKey(principal),
        this.generationKey(principal),
        JSON.stringify(record),
        ttlMs,
        expectedGeneration,
        tokenHash,
      ),
    );
    return Number(saved) === 1;
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
      this.redis.eval(
        DELETE_ALL_SCRIPT,
        2,
        this.indexKey(principal),
        this.generationKey(principal),
        `${this.prefix}session:`,
        keepTokenHash,
        this.generationTtlMs,
      ),
    );
    return Number(deleted);
  }

  async setRolesOf(principal: string, roles: readonly Role[]): Promise<void> {
    await callRedis(() =>
      this.redis.eval(
        SET_ROLES_SCRIPT,
        2,
        this.indexKey(principal),
        this.generationKey(principal),
        `${this.prefix}session:`,
        JSON.stringify(roles),
        this.generationTtlMs,
      ),
    );
  }
}

/**
 * Sessions in process memory, for a development server started without REDIS_URL. Sessions are
 * lost on restart and are not shared between processes.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly generations = new Map<string, number>();

  private bump(principal: string): void {
    this.generations.set(principal, (this.generations.get(principal) ?? 0) + 1);
  }

  async generation(principal: string): Promise<string> {
    return String(this.generations.get(principal) ?? 0);
  }

  private live(tokenHash: string): SessionRecord | null {
    const record = this.sessions.get(tokenHash);
    if (!record) return null;
    if (record.expiresAt <= Date.now()) {
      this.sessions.delete(tokenHash);
      return null;
    }
    return record;
  }

  async save(tokenHash: string, record: SessionRecord, expectedGeneration: string): Promise<boolean> {
    if ((await this.generation(principalKey(record))) !== expectedGeneration) return false;
    this.sessions.set(tokenHash, { ...record, roles: [...record.roles] });
    return true;
  }

  async get(tokenHash: string): Promise<SessionRecord | null> {
    const record = this.live(tokenHash);
    return record ? { ...record, roles: [...record.roles] } : null;
  }

  async delete(tokenHash: string): Promise<void> {
    this.sessions.delete(tokenHash);
  }

  async deleteAllOf(principal: string, keepTokenHash?: string): Promise<number> {
    this.bump(principal);
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
    this.bump(principal);
    for (const [tokenHash, record] of this.sessions) {
      if (principalKey(record) === principal && this.live(tokenHash)) {
        record.roles = [...roles];
      }
    }
  }
}
