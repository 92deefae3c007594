import { Redis } from 'ioredis';
import { BackendUnavailableError } from './errors.js';

/**
 * Connects to Redis so that commands fail at once while it is unreachable, instead of queueing
 * until it returns. The client keeps reconnecting in the background.
 */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  await redis.connect();
  return redis;
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/** Runs a Redis call and turns a connection failure into BackendUnavailableError. */
export async function callRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isReplyError(error)) throw error;
    throw new BackendUnavailableError('redis', { cause: error });
  }
}
