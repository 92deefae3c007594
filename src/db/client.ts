import { drizzle, type PostgresJsDatabase, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Database = PostgresJsDatabase<typeof schema>;

/** The database or an open transaction: domain functions that may run inside one take this. */
export type Executor = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Seconds to wait for a connection before the query fails, so an outage fails fast. */
  connectTimeoutSeconds: number;
  /** Callback run once per SQL statement, so benchmarks and tests can count statements. */
  onQuery?: (query: string) => void;
}

// NOTE: connect_timeout bounds only the TCP and startup phase. A peer that accepts connections and
// then drops them without a response (a half-open proxy) can keep a query waiting. A refused or
// reset connection fails at once.
export function connectDatabase(options: DatabaseOptions): DatabaseHandle {
  const sql = postgres(options.url, {
    max: options.poolSize,
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: 30,
    onnotice: () => {},
  });
  const db = drizzle(sql, {
    schema,
    logger: options.onQuery ? { logQuery: (query) => options.onQuery?.(query) } : false,
  });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
