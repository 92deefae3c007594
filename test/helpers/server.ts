import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ClientError, GraphQLClient } from 'graphql-request';
import type { Redis } from 'ioredis';
import { afterEach, inject } from 'vitest';
import { createAppServer, type Backends } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { connectDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { connectRedis } from '../../src/redis.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  data: T | null | undefined;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  status: number;
  headers: Headers;
}

export interface TestServer {
  url: string;
  config: Config;
  database: DatabaseHandle;
  redis: Redis;
  /** SQL statements run since the server started. Empty it to count one request. */
  statements: string[];
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; cookie?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Replace the service URLs, e.g. with a proxy that a test can cut. */
  redisUrl?: string;
  databaseUrl?: string;
}

/**
 * Starts a fresh server on a free loopback port, over the run's test database and a Redis key
 * prefix of its own, so tests never see each other's sessions or rate-limit counters.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const prefix = `panel-test:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl ?? inject('databaseUrl'),
    REDIS_URL: options.redisUrl ?? inject('redisUrl'),
    REDIS_KEY_PREFIX: prefix,
    PUBLIC_URL: 'http://panel.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BACKEND_TIMEOUT_MS: '1000',
    ...options.env,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const statements: string[] = [];
  const database = connectDatabase({
    url: config.DATABASE_URL ?? '',
    poolSize: 4,
    connectTimeoutSeconds: 2,
    onQuery: (query) => statements.push(query),
  });
  const redis = await connectRedis(config.REDIS_URL ?? '', config.BACKEND_TIMEOUT_MS);
  redis.on('error', () => {});
  const backends: Backends = { database, redis };
  const server = createAppServer(config, logger, backends);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    config,
    database,
    redis,
    statements,
    async request(query, variables, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      if (requestOptions.cookie) headers.cookie = requestOptions.cookie;
      const client = new GraphQLClient(`${url}/graphql`, { headers, errorPolicy: 'all' });
      // graphql-request throws on non-2xx responses, such as 400 for an invalid operation.
      const response = await client.rawRequest(query, variables).catch((error: unknown) => {
        if (error instanceof ClientError) return { ...error.response, data: error.response.data };
        throw error;
      });
      return {
        data: response.data as never,
        errors: response.errors as GraphQLResult['errors'],
        status: response.status,
        headers: response.headers,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const keys = await redis.keys(`${prefix}*`).catch(() => []);
      if (keys.length > 0) await redis.del(...keys).catch(() => 0);
      redis.disconnect();
      await database.close();
    },
  };
}

/**
 * Returns a function that starts a fresh server for the current test with extra environment
 * variables; every server it started is closed after each test.
 */
export function useTestServers(): (env?: Record<string, string>) => Promise<TestServer> {
  const open: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (env = {}) => {
    const server = await startTestServer({ env });
    open.push(server);
    return server;
  };
}
