import type { Redis } from 'ioredis';
import { callRedis } from '../redis.js';

export interface RateLimitHit {
  /** Attempts in the current window, this one included. */
  count: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

/** Fixed-window counters: the first hit opens a window of `windowSeconds`. */
export interface RateLimiter {
  hit(key: string, windowSeconds: number): Promise<RateLimitHit>;
}

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowSeconds: number): Promise<RateLimitHit> {
    const fullKey = `${this.prefix}ratelimit:${key}`;
    const results = await callRedis(() =>
      this.redis.multi().incr(fullKey).expire(fullKey, windowSeconds, 'NX').ttl(fullKey).exec(),
    );
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
    return { count, resetSeconds: ttl > 0 ? ttl : windowSeconds };
  }
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, windowSeconds: number): Promise<RateLimitHit> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    this.pruneExpired(now);
    return { count: window.count, resetSeconds: Math.ceil((window.resetAt - now) / 1000) };
  }

  private pruneExpired(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(key);
    }
  }
}
