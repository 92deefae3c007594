// Load benchmark: starts panel-api in this process on loopback over a fresh PostgreSQL database and
// a Redis key prefix of its own, seeds 50 applications, then drives three request kinds one after
// another at a fixed concurrency for a fixed time each:
//   health   GET /health (checks PostgreSQL and Redis), the baseline
//   me       { me { ... } } as a subuser
//   page     the applications page with nested scenarios, rules and users for 50 applications
// It prints requests per second, p50 and p99 latency, SQL statements per request, the process's
// peak RSS and each kind's throughput relative to the baseline. The database is dropped and the
// Redis keys deleted at the end. Traffic goes to 127.0.0.1 only.
//
// Environment: DATABASE_URL (a server URL; default postgres://postgres@127.0.0.1:5432/postgres),
// REDIS_URL (default redis://127.0.0.1:6379), BENCH_SECONDS per kind (default 8),
// BENCH_CONCURRENCY (default 16).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createAppServer } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createAccount } from '../src/domain/accounts.js';
import { createSubuser } from '../src/domain/subusers.js';
import { createLogger } from '../src/logger.js';
import { connectRedis } from '../src/redis.js';
import { seedApplicationsInBulk } from './bulk-seed.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARM_UP_SECONDS = 1;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const APPLICATIONS = 50;
const PASSWORD = 'Bench-password-1';

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

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseName = `panel_api_bench_${randomBytes(4).toString('hex')}`;
const prefix = `panel-bench:${randomBytes(4).toString('hex')}:`;

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${databaseName}`);
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${databaseName}`;

let statements = 0;
const database = connectDatabase({
  url: databaseUrl.toString(),
  poolSize: 10,
  connectTimeoutSeconds: 5,
  onQuery: () => {
    statements += 1;
  },
});
const redis = await connectRedis(redisUrl, 2000);

let peakRss = process.memoryUsage().rss;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const server = createAppServer(
  loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  }),
  createLogger('silent'),
  { database, redis },
);

try {
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

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function graphql(query: string, token?: string): Promise<{ ok: boolean; body: Record<string, unknown> }> {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
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
        const response = await fetch(`${base}/health`);
        await response.arrayBuffer();
        return response.ok;
      },
    },
    { name: 'me as a subuser', send: async () => (await graphql(ME_QUERY, subuserToken)).ok },
    { name: 'applications page, 50 apps', send: async () => (await graphql(PAGE_QUERY, mainToken)).ok },
  ];

  const results: Result[] = [];
  for (const kind of kinds) {
    await drive(WARM_UP_SECONDS, kind.send);
    const before = statements;
    const run = await drive(SECONDS, kind.send);
    results.push({
      name: kind.name,
      requests: run.latencies.length,
      failures: run.failures,
      seconds: run.elapsed,
      latenciesMs: run.latencies.sort((left, right) => left - right),
      statements: statements - before,
    });
  }

  const baseline = results[0];
  const baselineRate = baseline ? baseline.requests / baseline.seconds : Number.NaN;
  const usage = process.resourceUsage();
  console.log(`panel-api benchmark: ${CONCURRENCY} concurrent loops, ${SECONDS} s per kind after ${WARM_UP_SECONDS} s warm-up`);
  console.log(`Node ${process.version}, server and load generator in one process on 127.0.0.1\n`);
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
  console.log(
    `\nPeak RSS of the process (server and load generator): ${(peakRss / 2 ** 20).toFixed(0)} MiB sampled every 50 ms, ` +
      `${(usage.maxRSS / 1024).toFixed(0)} MiB by resourceUsage().maxRSS`,
  );
} finally {
  clearInterval(rssSampler);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const keys = await redis.keys(`${prefix}*`).catch(() => []);
  if (keys.length > 0) await redis.del(...keys).catch(() => 0);
  redis.disconnect();
  await database.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
}
