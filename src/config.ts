import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  REDIS_KEY_PREFIX: z.string().default('panel:'),
  EMBEDDED_POSTGRES_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  PUBLIC_URL: z.string().url().default('http://localhost:4000'),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(1).default(8 * 60 * 60),
  SESSION_COOKIE_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('panel_session'),
  SIGNUP_ENABLED: booleanFromEnv.default(true),
  GRAPHIQL_ENABLED: booleanFromEnv.default(true),
  INTROSPECTION_ENABLED: booleanFromEnv.default(true),
  TRUST_PROXY: booleanFromEnv.default(false),
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
  LOGIN_RATE_LIMIT_PER_IDENTITY: z.coerce.number().int().min(1).default(10),
  LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(100),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(1).default(2000),
  // graphql-armor multiplies a field's cost by a literal `first`, so the applications page with 50
  // applications and their nested lists costs about 56,000.
  GRAPHQL_MAX_COST: z.coerce.number().int().min(1).default(100_000),
  // A scenario source may be 128 KiB, and JSON escaping can grow it several times over.
  REQUEST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  DB_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  BACKEND_TIMEOUT_MS: z.coerce.number().int().min(50).default(2000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/**
 * Parses the process environment into a typed configuration. Empty strings count as unset, so a
 * blank line in an env file falls back to the default instead of failing validation.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }

  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    for (const name of ['DATABASE_URL', 'REDIS_URL'] as const) {
      if (!config[name]) {
        throw new ConfigError(`${name} is required when NODE_ENV=production; set it to the service's URL.`);
      }
    }
  }
  return config;
}
