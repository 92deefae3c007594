import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';

function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

function withoutOriginalError(error: GraphQLError): GraphQLError {
  if (!error.extensions?.originalError) return error;
  const { originalError: _dropped, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions });
}

function isExecutionResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'errors' in value;
}

function hasHttpStatus(error: GraphQLError): boolean {
  const http = error.extensions?.http;
  return typeof http === 'object' && http !== null && 'status' in http;
}

/**
 * Gives errors raised before execution a stable code. Syntax errors get GRAPHQL_PARSE_FAILED and
 * variables that do not match their types get BAD_USER_INPUT. Rejected HTTP requests, such as one
 * without a CSRF header, get BAD_REQUEST. The rest of validation, graphql-armor's limits
 * included, gets GRAPHQL_VALIDATION_FAILED. Yoga's own BAD_REQUEST and
 * OPERATION_RESOLUTION_FAILURE codes pass through.
 */
export function useErrorCodes(): Plugin {
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError) {
        replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
      }
    },
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        // Variable coercion fails before any field runs, so its errors carry no path.
        if (isExecutionResult(result) && result.errors && result.data === undefined) {
          setResult({ ...result, errors: result.errors.map((error) => (error.path ? error : withCode(error, 'BAD_USER_INPUT'))) });
        }
      },
    }),
    // graphql-armor throws from its validation rules, which skips onValidate's result, so errors
    // that still lack a code when the response is written are validation failures. Yoga attaches
    // `originalError` to some request errors, which would echo part of the request body.
    onResultProcess: ({ result, setResult }) => {
      if (!isExecutionResult(result) || !result.errors) return;
      if (!result.errors.some((error) => !error.extensions?.code || error.extensions.originalError)) return;
      setResult({
        ...result,
        errors: result.errors.map((error) => {
          if (!(error instanceof GraphQLError)) return error;
          const coded = withCode(error, hasHttpStatus(error) ? 'BAD_REQUEST' : 'GRAPHQL_VALIDATION_FAILED');
          return withoutOriginalError(coded);
        }),
      });
    },
  };
}
