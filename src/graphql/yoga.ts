import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { useCookies } from '@whatwg-node/server-plugin-cookies';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContextFactory } from './context-factory.js';
import type { AppServices, RequestContext } from './context.js';
import { createErrorMasker } from './mask-error.js';

export interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export const GRAPHQL_PATH = '/graphql';

/**
 * Limits on operation shape; graphql-armor rejects larger operations before they execute. Its cost
 * estimates the result size: each level of depth multiplies by 1.5, and a literal `first` or
 * `last` multiplies its field by the page size. The applications page with 50 applications and
 * 10 scenarios, rules and users each, most fields selected, costs about 56,000; the limit leaves
 * room for that page and rejects ones several times larger.
 */
export const OPERATION_LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2000,
  maxCost: 100_000,
  maxDirectives: 20,
} as const;

export function createPanelYoga(
  services: AppServices,
  schema: GraphQLSchema,
): YogaServerInstance<NodeServerContext, RequestContext> {
  const { config, logger } = services;
  const log = logger.child({ module: 'yoga' });

  return createYoga<NodeServerContext, RequestContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    context: createContextFactory(services),
    maskedErrors: { maskError: createErrorMasker(logger) },
    batching: false,
    graphiql: config.GRAPHIQL_ENABLED ? { title: 'panel-api', defaultQuery: '{ me { isMainAccount roles sections } }' } : false,
    landingPage: false,
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      error: (...args) => log.error({ args }, 'yoga'),
    },
    plugins: [
      useCookies(),
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] }),
      EnvelopArmorPlugin({
        maxDepth: { n: OPERATION_LIMITS.maxDepth },
        maxAliases: { n: OPERATION_LIMITS.maxAliases },
        maxTokens: { n: OPERATION_LIMITS.maxTokens },
        costLimit: { maxCost: OPERATION_LIMITS.maxCost },
        maxDirectives: { n: OPERATION_LIMITS.maxDirectives },
        blockFieldSuggestion: { enabled: !config.INTROSPECTION_ENABLED },
      }),
      config.INTROSPECTION_ENABLED ? {} : useDisableIntrospection(),
    ],
  });
}
