import { GraphQLError } from 'graphql';
import { isPostgresConnectionError, loggableError } from '../db/errors.js';
import { BackendUnavailableError, internalServerError, serviceUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';

function withLocation(replacement: GraphQLError, error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) return replacement;
  return new GraphQLError(replacement.message, {
    nodes: error.nodes,
    path: error.path,
    extensions: replacement.extensions,
  });
}

/**
 * Decides what a client sees of an error. GraphQLErrors the API raised on purpose pass through,
 * and an unreachable PostgreSQL or Redis becomes SERVICE_UNAVAILABLE. Anything else is logged with
 * its cause and masked as INTERNAL_SERVER_ERROR.
 */
export function createErrorMasker(logger: Logger): (error: unknown) => Error {
  const log = logger.child({ module: 'errors' });
  return (error) => {
    const original = error instanceof GraphQLError ? error.originalError : error;

    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
      return error;
    }
    if (original instanceof BackendUnavailableError) {
      log.warn({ err: loggableError(original.cause ?? original), service: original.service }, 'backend unavailable');
      return withLocation(serviceUnavailableError(original.service), error);
    }
    if (isPostgresConnectionError(original)) {
      log.warn({ err: loggableError(original) }, 'backend unavailable');
      return withLocation(serviceUnavailableError('postgres'), error);
    }

    const path = error instanceof GraphQLError ? error.path?.join('.') : undefined;
    log.error({ err: loggableError(original), path }, 'unexpected error');
    return withLocation(internalServerError(), error);
  };
}
