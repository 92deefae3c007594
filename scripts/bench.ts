// Load benchmark: creates a fresh PostgreSQL database and a Redis key prefix of its own, seeds 50
// applications, and starts panel-api in a child process (scripts/bench-server.ts) on 127.0.0.1. It
// then drives three request kinds from this process, one after another, at a fixed concurrency for
// a fixed time each:
//   health   GET /health (checks PostgreSQL and Redis), the baseline
//   me       { me { ... } } as a subuser
//   page     the applications page with nested scenarios, rules and users for 50 applications
// It prints requests per second, p50 and p99 latency, the server's SQL statements per request and
// each kind's throughput relative to the baseline. It also prints the server process's peak RSS.
// At the end, or on an error, the run limit or Ctrl-C, it stops the server, deletes the Redis keys
// and drops the database. Traffic goes to 127.0.0.1 only.
//
// Environment: DATABASE_URL (a server URL; default postgres://postgres@127.0.0.1:5432/postgres),
// REDIS_URL (default redis://127.0.0.1:6379), BENCH_SECONDS per kind (1 to 20, default 8),
// BENCH_CONCURRENCY (1 to 256, default 16).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import postgres from 'postgres';
import { connectDatabase, type DatabaseHandle } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts.js';
import { createSubuser } from '../src/domain/subusers.js';
import { connectRedis } from '../src/redis.js';
import type { BenchServerMessage, BenchServerRequest, BenchServerStats } from './bench-server.js';
import { seedApplicationsInBulk } from './bulk-seed.js';

function readIntegerEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const SECONDS = readIntegerEnv('BENCH_SECONDS', 8, 1, 20);
const WARM_UP_SECONDS = 1;
const CONCURRENCY = readIntegerEnv('BENCH_CONCURRENCY', 16, 1, 256);
const APPLICATIONS = 50;
const PASSWORD = 'Bench-password-1';

// Time limits. With BENCH_SECONDS at its maximum of 20 the three kinds take 63 s. The run limit
// leaves room for seeding and server startup, and stops a stuck run well before 2 minutes.
const RUN_LIMIT_MS = 90_000;
const SERVER_START_TIMEOUT_MS = 30_000;
const SERVER_STOP_TIMEOUT_MS = 5_000;
const IPC_REPLY_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;

const SERVER_ENTRY = fileURLToPath(new URL('./bench-server.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const ME_QUERY = '{ me { isMainAccount roles sections subuser { id login } } }';
const PAGE_QUERY = `{
  applications(first: 50) {
    totalCount
    nodes {
      id name createdAt
      scenarios { totalCount nodes { id name sourceSize updatedAt } }
      rules { totalCount nodes { id name pattern position scenarioIds } }
      users { totalCount nodes { id name displayName active balanceLimit } }
    }
  }
}`;

interface Result {
  name: string;
  requests: number;
  failures: number;
  seconds: number;
  latenciesMs: number[];
  statements: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function mebibytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

/** Runs `send` from CONCURRENCY loops for `seconds`; a request counts when it ends in time. */
async function drive(seconds: number, send: () => Promise<boolean>): Promise<{ latencies: number[]; failures: number; elapsed: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const begin = performance.now();
      const ok = await send().catch(() => false);
      latencies.push(performance.now() - begin);
      if (!ok) failures += 1;
    }
  });
  await Promise.all(loops);
  return { latencies, failures, elapsed: (performance.now() - started) / 1000 };
}

interface BenchServer {
  port: number;
  /** Reads the server's statement count and memory, then sets the count to 0 if `resetStatements`. */
  readStats(resetStatements: boolean): Promise<BenchServerStats>;
  /** Asks the server to stop and kills it if it has not exited within SERVER_STOP_TIMEOUT_MS. */
  stop(): Promise<void>;
}

/** Forks scripts/bench-server.ts with `env` as its whole environment and waits until it listens. */
async function startBenchServer(env: NodeJS.ProcessEnv, onChild: (child: ChildProcess) => void): Promise<BenchServer> {
  // The child's stdout goes to this process's stderr, so server log lines stay out of the table.
  const child = fork(SERVER_ENTRY, [], { execArgv: ['--import', 'tsx'], env, cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2, 'ipc'] });
  onChild(child);

  let nextId = 1;
  const waiters = new Map<number, { resolve: (stats: BenchServerStats) => void; reject: (error: Error) => void }>();
  let startup: { resolve: (port: number) => void; reject: (error: Error) => void } | undefined;
  let exitReason: string | undefined;

  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = `bench server exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
      startup?.reject(new Error(exitReason));
      for (const waiter of waiters.values()) waiter.reject(new Error(exitReason));
      waiters.clear();
      resolve();
    });
  });
  child.on('error', (error) => {
    if (startup) startup.reject(error);
    else console.error('bench: bench server process error:', error);
  });
  child.on('message', (message: BenchServerMessage) => {
    if (message.type === 'listening') startup?.resolve(message.port);
    else if (message.type === 'failed') startup?.reject(new Error(`bench server failed to start: ${message.message}`));
    else {
      const { type: _type, id, ...stats } = message;
      waiters.get(id)?.resolve(stats);
      waiters.delete(id);
    }
  });

  async function stop(): Promise<void> {
    if (exitReason !== undefined) return;
    // A failed send is ignored because the timer below kills a child that does not exit.
    if (child.connected) child.send({ type: 'stop' } satisfies BenchServerRequest, () => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  try {
    const port = await new Promise<number>((resolve, reject) => {
      startup = { resolve, reject };
      setTimeout(() => reject(new Error(`bench server did not listen within ${SERVER_START_TIMEOUT_MS} ms`)), SERVER_START_TIMEOUT_MS).unref();
    });
    startup = undefined;

    return {
      port,
      stop,
      readStats: (resetStatements) =>
        new Promise<BenchServerStats>((resolve, reject) => {
          if (exitReason !== undefined) return reject(new Error(exitReason));
          const id = nextId++;
          const timer = setTimeout(() => {
            waiters.delete(id);
            reject(new Error(`bench server did not reply to a stats request within ${IPC_REPLY_TIMEOUT_MS} ms`));
          }, IPC_REPLY_TIMEOUT_MS);
          waiters.set(id, {
            resolve: (stats) => {
              clearTimeout(timer);
              resolve(stats);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
          child.send({ type: 'stats', id, resetStatements } satisfies BenchServerRequest, (error) => {
            if (!error) return;
            waiters.get(id)?.reject(error);
            waiters.delete(id);
          });
        }),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const runStarted = performance.now();
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseName = `panel_api_bench_${randomBytes(4).toString('hex')}`;
const prefix = `panel-bench:${randomBytes(4).toString('hex')}:`;

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${databaseName}`);
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${databaseName}`;

let database: DatabaseHandle | undefined;
let redis: Redis | undefined;
let serverChild: ChildProcess | undefined;
let server: BenchServer | undefined;

/** Runs one cleanup step and reports its failure without skipping the steps after it. */
async function cleanUpStep(name: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    console.error(`bench: cleanup failed to ${name}:`, error);
  }
}

// NOTE: a SIGKILL of this process skips cleanup and leaves the database and Redis keys behind. The
// server child still stops, because its IPC channel closes.
let cleanup: Promise<void> | undefined;
/** Stops the server, deletes the Redis keys and drops the database. Later calls share the first run. */
function cleanUp(): Promise<void> {
  cleanup ??= (async () => {
    await cleanUpStep('stop the bench server', async () => {
      if (server) await server.stop();
      else serverChild?.kill('SIGKILL');
    });
    await cleanUpStep('delete the Redis keys', async () => {
      if (!redis) return;
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    });
    redis?.disconnect();
    await cleanUpStep('close the database pool', async () => database?.close());
    await cleanUpStep(`drop database ${databaseName}`, () => admin.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
    await cleanUpStep('close the admin connection', () => admin.end());
  })();
  return cleanup;
}

/** Cleans up with a time limit and exits, for the run limit and Ctrl-C. */
function abort(message: string, exitCode: number): void {
  console.error(`bench: ${message}. Stopping the server and cleaning up.`);
  const forceExit = setTimeout(() => process.exit(exitCode), SERVER_STOP_TIMEOUT_MS + 10_000);
  void cleanUp().finally(() => {
    clearTimeout(forceExit);
    process.exit(exitCode);
  });
}

const runLimit = setTimeout(() => abort(`the run exceeded ${RUN_LIMIT_MS / 1000} s`, 1), RUN_LIMIT_MS);
process.once('SIGINT', () => abort('interrupted', 130));

try {
  database = connectDatabase({ url: databaseUrl.toString(), poolSize: 4, connectTimeoutSeconds: 5 });
  redis = await connectRedis(redisUrl, 2000);
  await runMigrations(database.db);
  const account = await createAccount(database.db, { accountName: 'bench', email: 'bench@example.com', password: PASSWORD }, null);
  const actor = { accountId: account.id, subuserId: null, clientIp: null };
  const subuser = await createSubuser(database.db, actor, { login: 'developer', password: PASSWORD, roles: ['DEVELOPER'] });
  await seedApplicationsInBulk(database.db, account.id, {
    applications: APPLICATIONS,
    scenariosPerApplication: 3,
    rulesPerApplication: 2,
    usersPerApplication: 2,
  });

  // The child gets only these variables, so configuration in the shell (such as GRAPHQL_MAX_COST)
  // cannot change what is measured. Every other setting keeps its default from src/config.ts.
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  server = await startBenchServer(
    {
      ...inherited,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      PORT: '0',
    },
    (child) => {
      serverChild = child;
    },
  );
  const benchServer = server;
  const base = `http://127.0.0.1:${benchServer.port}`;
  const startupStats = await benchServer.readStats(true);

  async function graphql(query: string, token?: string): Promise<{ ok: boolean; body: Record<string, unknown> }> {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as Record<string, unknown>;
    return { ok: response.ok && body.errors === undefined, body };
  }

  async function logIn(mutation: string, field: string): Promise<string> {
    const { body } = await graphql(mutation);
    const token = ((body.data as Record<string, { sessionId?: string }> | undefined)?.[field])?.sessionId;
    if (!token) throw new Error(`${field} failed: ${JSON.stringify(body)}`);
    return token;
  }

  const mainToken = await logIn(
    `mutation { logIn(input: { email: "bench@example.com", password: "${PASSWORD}" }) { ... on SessionPayload { sessionId } } }`,
    'logIn',
  );
  const subuserToken = await logIn(
    `mutation { logInSubuser(input: { accountName: "bench", login: "${subuser.login}", password: "${PASSWORD}" }) {
      ... on SessionPayload { sessionId } } }`,
    'logInSubuser',
  );

  const page = await graphql(PAGE_QUERY, mainToken);
  const nodes = ((page.body.data as { applications?: { nodes?: unknown[] } } | undefined)?.applications?.nodes ?? []).length;
  if (!page.ok || nodes !== APPLICATIONS) throw new Error(`page query check failed: ${JSON.stringify(page.body).slice(0, 500)}`);

  const kinds: Array<{ name: string; send: () => Promise<boolean> }> = [
    {
      name: 'GET /health (baseline)',
      send: async () => {
        const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        await response.arrayBuffer();
        return response.ok;
      },
    },
    { name: 'me as a subuser', send: async () => (await graphql(ME_QUERY, subuserToken)).ok },
    { name: 'applications page, 50 apps', send: async () => (await graphql(PAGE_QUERY, mainToken)).ok },
  ];

  const results: Result[] = [];
  let largestRssBytes = startupStats.rssBytes;
  for (const kind of kinds) {
    await drive(WARM_UP_SECONDS, kind.send);
    await benchServer.readStats(true);
    const run = await drive(SECONDS, kind.send);
    const stats = await benchServer.readStats(false);
    largestRssBytes = Math.max(largestRssBytes, stats.rssBytes);
    results.push({
      name: kind.name,
      requests: run.latencies.length,
      failures: run.failures,
      seconds: run.elapsed,
      latenciesMs: run.latencies.sort((left, right) => left - right),
      statements: stats.statements,
    });
  }
  const finalStats = await benchServer.readStats(false);

  const baseline = results[0];
  const baselineRate = baseline ? baseline.requests / baseline.seconds : Number.NaN;
  console.log(`panel-api benchmark: ${CONCURRENCY} concurrent loops, ${SECONDS} s per kind after ${WARM_UP_SECONDS} s warm-up`);
  console.log(
    `Node ${process.version}, ${cpus().length} CPU cores. The server runs in a child process (scripts/bench-server.ts) ` +
      'and the load generator in this one, on the same cores, over 127.0.0.1.\n',
  );
  console.log('| request | requests/s | p50 ms | p99 ms | SQL statements/request | failures | throughput vs baseline |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const result of results) {
    const rate = result.requests / result.seconds;
    console.log(
      `| ${result.name} | ${rate.toFixed(0)} | ${percentile(result.latenciesMs, 0.5).toFixed(1)} | ` +
        `${percentile(result.latenciesMs, 0.99).toFixed(1)} | ${(result.statements / Math.max(1, result.requests)).toFixed(2)} | ` +
        `${result.failures} | ${(rate / baselineRate).toFixed(2)} |`,
    );
  }

  console.log('\nServer process memory:');
  if (finalStats.highWaterRssKiB !== null) {
    console.log(`- peak RSS ${mebibytes(finalStats.highWaterRssKiB * 1024)} MiB (VmHWM from /proc/<pid>/status, the high-water RSS since exec)`);
  }
  console.log(
    `- RSS ${mebibytes(startupStats.rssBytes)} MiB after startup, largest reading after a kind ${mebibytes(largestRssBytes)} MiB ` +
      '(process.memoryUsage().rss)',
  );
  console.log(
    `- process.resourceUsage().maxRSS ${mebibytes(finalStats.maxRssKiB * 1024)} MiB. getrusage(2) keeps it across ` +
      "execve, so on Linux it includes this process's RSS when it forked the server and is only an upper bound.",
  );
  console.log(`Load generator (this process) maxRSS: ${mebibytes(process.resourceUsage().maxRSS * 1024)} MiB`);
  console.log(
    "\nSQL statements are counted in the server through the drizzle logger. The health route's SELECT 1 " +
      'goes through the postgres client directly and bypasses that logger, so the baseline shows 0.',
  );
  console.log(`The whole run took ${((performance.now() - runStarted) / 1000).toFixed(0)} s.`);
} finally {
  clearTimeout(runLimit);
  await cleanUp();
}
