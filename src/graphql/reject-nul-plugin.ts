import { Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badUserInputError } from '../errors.js';

const NUL = '\u0000';

function findNulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulPath(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findNulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function documentHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

/**
 * Rejects operations whose variables or string literals contain U+0000. PostgreSQL text cannot
 * store it, so such input would otherwise fail deep in a query as an internal error.
 */
export function useRejectNulCharacters(): Plugin {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const variablePath = findNulPath(args.variableValues ?? {}, '$');
      const field = variablePath ?? (documentHasNul(args.document) ? 'query' : null);
      if (field) {
        setResultAndStopExecution({
          errors: [badUserInputError(field, 'strings must not contain the NUL character (U+0000).')],
        });
      }
    },
  };
}
