import { GraphQLError } from 'graphql';

/**
 * The catalogue of stable error codes. Thrown errors carry one in `extensions.code`; expected
 * mutation failures carry one in the `code` field of their payload error object.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'INVALID_CREDENTIALS',
  'ALREADY_EXISTS',
  'SIGN_UP_DISABLED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function unauthenticatedError(sentSessionToken = false): GraphQLError {
  const message = sentSessionToken
    ? 'The session is invalid, expired or ended: log in again.'
    : 'Authentication required: send a session_id as a Bearer token or the session cookie.';
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

export function forbiddenError(section: string): GraphQLError {
  return new GraphQLError(`Access denied: this field requires the panel section ${section}.`, {
    extensions: { code: 'FORBIDDEN', section },
  });
}

export function notFoundError(typeName: string, id: string): GraphQLError {
  return new GraphQLError(`${typeName} not found: ${id}.`, {
    extensions: { code: 'NOT_FOUND', type: typeName, id },
  });
}

export function badUserInputError(field: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid value for ${field}: ${message}`, {
    extensions: { code: 'BAD_USER_INPUT', field },
  });
}

export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many login attempts; retry in ${retryAfterSeconds} seconds.`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });
}

export function serviceUnavailableError(service: string): GraphQLError {
  return new GraphQLError(`Service temporarily unavailable: ${service} cannot be reached. Retry shortly.`, {
    extensions: { code: 'SERVICE_UNAVAILABLE', service },
  });
}

export function internalServerError(): GraphQLError {
  return new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** Error raised when PostgreSQL or Redis cannot be reached. Clients see SERVICE_UNAVAILABLE. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly service: 'postgres' | 'redis',
    options?: { cause?: unknown },
  ) {
    super(`${service} is unavailable`, options);
    this.name = 'BackendUnavailableError';
  }
}

/** Base class for expected mutation failures, returned as data in the mutation payload. */
export abstract class MutationError extends Error {
  abstract readonly code: ErrorCode;
}

/** Invalid input value. `field` is the path of the input field, such as `input.password`. */
export class InputError extends MutationError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A unique value (account name, e-mail, subuser login) is already taken. */
export class AlreadyExistsError extends MutationError {
  readonly code = 'ALREADY_EXISTS' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Failed login. The message is the same whether the account, the login or the password was wrong. */
export class InvalidCredentialsError extends MutationError {
  readonly code = 'INVALID_CREDENTIALS' as const;
  constructor() {
    super('Invalid credentials.');
  }
}

export class SignUpDisabledError extends MutationError {
  readonly code = 'SIGN_UP_DISABLED' as const;
  constructor() {
    super('Sign-up is turned off on this server.');
  }
}
