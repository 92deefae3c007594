// Bench-only server entry: scripts/bench.ts starts this file with child_process.fork, so the server
// under load runs in a process of its own and its memory and CPU are not mixed with the load
// generator's. It builds the server as src/app.ts does for the product, over a database that the
// parent has already migrated and seeded, and listens on 127.0.0.1 only.
//
// Environment: DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, PORT (0 picks a free port) and the other
// variables of src/config.ts. Requires an IPC channel to the parent.
//
// IPC: the child sends `listening` with its port, or `failed` if startup fails. It replies to each
// `stats` request with its statement count and memory, and stops on `stop` or when the parent
// disconnects.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { createLogger } from '../src/logger.js';
import { connectRedis } from '../src/redis.js';

/** Request from the load generator to this server process. */
export type BenchServerRequest = { type: 'stats'; id: number; resetStatements: boolean } | { type: 'stop' };

/** Memory and SQL statement count of the server process. */
export interface BenchServerStats {
  /** SQL statements run through drizzle since the last reset. */
  statements: number;
  /**
   * `process.resourceUsage().maxRSS` in KiB. getrusage(2) keeps this maximum across execve, and the
   * child starts as a fork of the parent, so on Linux it can include the parent's RSS at fork time.
   */
  maxRssKiB: number;
  /** High-water RSS since exec (VmHWM in /proc/self/status) in KiB, or null where /proc is missing. */
  highWaterRssKiB: number | null;
  /** Current `process.memoryUsage().rss` in bytes. */
  rssBytes: number;
}

/** Message from this server process to the load generator. */
export type BenchServerMessage =
  | { type: 'listening'; port: number }
  | { type: 'failed'; message: string }
  | ({ type: 'stats'; id: number } & BenchServerStats);

function readHighWaterRssKiB(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function send(message: BenchServerMessage): void {
  process.send?.(message);
}

if (!process.send) {
  console.error('bench-server: no IPC channel. Run `npm run bench`, which starts this file with child_process.fork.');
  process.exit(1);
}

/** Connects the backends, builds the server as the product does and starts listening. */
async function startServer(): Promise<{ httpServer: Server; stop: () => Promise<void>; countStatements: (reset: boolean) => number }> {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL are required');
  const logger = createLogger(config.LOG_LEVEL);

  let statements = 0;
  const database = connectDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    connectTimeoutSeconds: Math.ceil(config.BACKEND_TIMEOUT_MS / 1000),
    onQuery: () => {
      statements += 1;
    },
  });
  const redis = await connectRedis(config.REDIS_URL, config.BACKEND_TIMEOUT_MS).catch(async (error: unknown) => {
    await database.close();
    throw new Error(`connecting to Redis at REDIS_URL failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));

  const server = createAppServer(config, logger, { database, redis });
  // The benchmark sends loopback traffic only, so the server listens on 127.0.0.1 whatever HOST is.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    httpServer: server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      await database.close();
    },
    countStatements: (reset) => {
      const count = statements;
      if (reset) statements = 0;
      return count;
    },
  };
}

let running: Awaited<ReturnType<typeof startServer>> | undefined;
let stopping = false;

/** Closes the server, its connections and the backends, then exits. During startup it exits at once. */
function stop(): void {
  if (stopping) return;
  stopping = true;
  if (!running) process.exit(0);
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('bench-server: shutdown failed:', error);
      process.exit(1);
    },
  );
}

// The parent's exit closes the IPC channel, so the server never outlives the benchmark.
process.on('disconnect', stop);

try {
  running = await startServer();
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
const started = running;

process.on('message', (request: BenchServerRequest) => {
  if (request.type === 'stop') {
    stop();
    return;
  }
  send({
    type: 'stats',
    id: request.id,
    statements: started.countStatements(request.resetStatements),
    maxRssKiB: process.resourceUsage().maxRSS,
    highWaterRssKiB: readHighWaterRssKiB(),
    rssBytes: process.memoryUsage().rss,
  });
});

send({ type: 'listening', port: (started.httpServer.address() as AddressInfo).port });
