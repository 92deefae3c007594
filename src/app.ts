import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { prepareDummyHash } from './auth/password.js';
import { MemoryRateLimiter, RedisRateLimiter } from './auth/rate-limit.js';
import { MemorySessionStore, RedisSessionStore } from './auth/session-store.js';
import { SessionManager } from './auth/sessions.js';
import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';
import type { AppServices } from './graphql/context.js';
import { createPanelYoga } from './graphql/yoga.js';
import { createHttpServer, type HealthCheck } from './http/server.js';
import type { Logger } from './logger.js';
import { connectRedis } from './redis.js';
import { buildSchema } from './schema/index.js';

export interface Backends {
  database: DatabaseHandle;
  /** Null when sessions and rate limits live in process memory. */
  redis: Redis | null;
}

export function createServices(config: Config, logger: Logger, backends: Backends): AppServices {
  const { database, redis } = backends;
  const store = redis
    ? new RedisSessionStore(redis, config.REDIS_KEY_PREFIX, config.SESSION_TTL_SECONDS * 1000)
    : new MemorySessionStore();
  const rateLimiter = redis ? new RedisRateLimiter(redis, config.REDIS_KEY_PREFIX) : new MemoryRateLimiter();
  return {
    config,
    logger,
    db: database.db,
    sessions: new SessionManager(store, config.SESSION_TTL_SECONDS),
    rateLimiter,
  };
}

export function createHealthCheck(backends: Backends): HealthCheck {
  return async () => {
    const [postgres, redis] = await Promise.all([
      backends.database.sql`SELECT 1`.then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      backends.redis
        ? backends.redis.ping().then(
            () => 'ok' as const,
            () => 'unavailable' as const,
          )
        : Promise.resolve('memory' as const),
    ]);
    return { postgres, redis };
  };
}

/** Builds the schema, yoga and the HTTP server over already connected backends. */
export function createAppServer(config: Config, logger: Logger, backends: Backends): Server {
  const services = createServices(config, logger, backends);
  void prepareDummyHash();
  const yoga = createPanelYoga(services, buildSchema());
  return createHttpServer(yoga, createHealthCheck(backends), config.REQUEST_BODY_LIMIT_BYTES);
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the whole server: PostgreSQL (embedded when DATABASE_URL is unset), migrations, Redis
 * (process memory when REDIS_URL is unset) and the HTTP listener.
 */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const log = logger.child({ module: 'app' });
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    log.info('DATABASE_URL is not set: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir: config.EMBEDDED_POSTGRES_DIR,
      port: config.EMBEDDED_POSTGRES_PORT,
      logger,
    });
    databaseUrl = embedded.url;
  }

  const database = connectDatabase({
    url: databaseUrl,
    poolSize: config.DB_POOL_SIZE,
    connectTimeoutSeconds: Math.ceil(config.BACKEND_TIMEOUT_MS / 1000),
  });
  await runMigrations(database.db);
  log.info('database migrations applied');

  let redis: Redis | null = null;
  if (config.REDIS_URL) {
    redis = await connectRedis(config.REDIS_URL, config.BACKEND_TIMEOUT_MS);
    redis.on('error', (error: Error) => log.warn({ err: error }, 'redis connection error'));
  } else {
    log.warn('REDIS_URL is not set: sessions and login rate limits are kept in process memory and lost on restart');
  }

  const server = createAppServer(config, logger, { database, redis });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  log.info({ url: `${url}/graphql`, health: `${url}/health` }, 'panel-api listening');

  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await database.close();
      redis?.disconnect();
      await embedded?.stop();
      log.info('panel-api stopped');
    },
  };
}
