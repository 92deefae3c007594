/** Walks an error's cause chain, because drizzle wraps driver errors in DrizzleQueryError. */
function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current && depth < 10; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function fieldOf(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error ? (error as Record<string, unknown>)[name] : undefined;
}

/** Returns the constraint name when the error is a PostgreSQL unique violation, else null. */
export function uniqueViolationConstraint(error: unknown): string | null {
  for (const cause of causes(error)) {
    if (fieldOf(cause, 'code') === '23505') {
      const constraint = fieldOf(cause, 'constraint_name');
      return typeof constraint === 'string' ? constraint : '';
    }
  }
  return null;
}

// Connection failures of the postgres driver, and SQLSTATE classes 08 (connection exception) and
// 57P (operator intervention: shutdown, cannot connect now).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** Tells whether the error means PostgreSQL could not be reached. */
export function isPostgresConnectionError(error: unknown): boolean {
  for (const cause of causes(error)) {
    const code = fieldOf(cause, 'code');
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) {
      return true;
    }
  }
  return false;
}

/**
 * Returns what may be logged of an error. drizzle's DrizzleQueryError message repeats every bound
 * parameter, password hashes included, so for a query failure only the driver's error is kept.
 */
export function loggableError(error: unknown): unknown {
  for (const cause of causes(error)) {
    if (cause instanceof Error && cause.name === 'PostgresError') {
      return {
        type: 'PostgresError',
        message: cause.message,
        code: fieldOf(cause, 'code'),
        constraint: fieldOf(cause, 'constraint_name'),
        table: fieldOf(cause, 'table_name'),
      };
    }
  }
  if (error instanceof Error && error.name === 'DrizzleQueryError') {
    return { type: 'DrizzleQueryError', cause: error.cause instanceof Error ? error.cause.message : String(error.cause) };
  }
  return error;
}
