import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { AuthScopeFailureType, type AuthFailure } from '@pothos/plugin-scope-auth';
import { PANEL_SECTIONS, type PanelSection } from '../access/matrix.js';
import { forbiddenError, unauthenticatedError } from '../errors.js';
import type { Context } from '../graphql/context.js';

/**
 * Returns the first scope a failure names. scope-auth reports a single denied scope either
 * directly or wrapped in an AnyAuthScopes failure, depending on how it evaluated the field.
 */
function deniedScope(failure: AuthFailure): string | undefined {
  if (failure.kind === AuthScopeFailureType.AuthScope) return failure.scope;
  if (failure.kind === AuthScopeFailureType.AnyAuthScopes || failure.kind === AuthScopeFailureType.AllAuthScopes) {
    for (const inner of failure.failures) {
      const scope = deniedScope(inner);
      if (scope) return scope;
    }
  }
  return undefined;
}

/** One auth scope per panel section, plus `authenticated` for fields any logged-in viewer may use. */
export type AuthScopes = Record<PanelSection, boolean> & { authenticated: boolean };

export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: AuthScopes;
  Directives: {
    requiresSection: { locations: 'FIELD_DEFINITION'; args: { section: PanelSection } };
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DirectivesPlugin, DataloaderPlugin],
  scopeAuth: {
    authScopes: async (context) => {
      const viewer = await context.getViewer();
      const scopes = { authenticated: viewer !== null } as AuthScopes;
      for (const section of PANEL_SECTIONS) {
        scopes[section] = viewer?.sections.has(section) ?? false;
      }
      return scopes;
    },
    unauthorizedError: (_parent, context, info, result) => {
      const viewer = context.peekViewer();
      if (!viewer) {
        return unauthenticatedError(context.sentSessionToken());
      }
      const section = deniedScope(result.failure) ?? 'unknown';
      context.services.logger.debug(
        { module: 'access', field: `${info.parentType.name}.${info.fieldName}`, section, subuserId: viewer.subuserId },
        'access denied',
      );
      return forbiddenError(section);
    },
  },
  errors: {
    directResult: true,
  },
  // graphql-tools' printSchemaWithDirectives reads directives keyed by name.
  directives: { useGraphQLToolsUnorderedDirectives: true },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesOnConnection: true,
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});
