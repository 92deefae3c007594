// Applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL when it is unset.
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const embedded = config.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dataDir: config.EMBEDDED_POSTGRES_DIR, port: config.EMBEDDED_POSTGRES_PORT, logger });
const database = connectDatabase({ url: config.DATABASE_URL ?? embedded!.url, poolSize: 1, connectTimeoutSeconds: 10 });
try {
  await runMigrations(database.db);
  logger.info('migrations applied');
} finally {
  await database.close();
  await embedded?.stop();
}
