import { useEngine } from '@envelop/core';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { useCookies } from '@whatwg-node/server-plugin-cookies';
import { execute, type GraphQLSchema } from 'graphql';
import { createYoga, type GraphiQLOptions, type YogaServerInstance } from 'graphql-yoga';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContextFactory } from './context-factory.js';
import type { AppServices, RequestContext } from './context.js';
import { useErrorCodes } from './error-codes-plugin.js';
import { useRejectNulCharacters } from './reject-nul-plugin.js';
import { createErrorMasker } from './mask-error.js';

export interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export const GRAPHQL_PATH = '/graphql';

const graphiqlPages = new Map<string, string>();

function renderGraphiQLOnce(options?: GraphiQLOptions): string {
  const key = JSON.stringify(options ?? {});
  let page = graphiqlPages.get(key);
  if (page === undefined) {
    page = renderGraphiQL(options);
    graphiqlPages.set(key, page);
  }
  return page;
}

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
    // isDev would add each masked error's original message to the response.
    maskedErrors: { maskError: createErrorMasker(logger), isDev: false },
    batching: false,
    graphiql: config.GRAPHIQL_ENABLED ? { title: 'panel-api', defaultQuery: '{ me { isMainAccount roles sections } }' } : false,
    // The page carries GraphiQL's scripts inline instead of loading them from a CDN, so it also
    // works on machines without internet access. The page is about 9 MB, so it is built once.
    renderGraphiQL: renderGraphiQLOnce,
    landingPage: false,
    // Errors are logged once, sanitised, by the error masker; yoga's own error log would repeat
    // them with drizzle's parameter lists, which contain password hashes.
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args: args.filter((arg) => typeof arg === 'string') }, 'yoga'),
      error: (...args) => log.debug({ args: args.filter((arg) => typeof arg === 'string') }, 'yoga error, logged by the masker'),
    },
    plugins: [
      // graphql-js's executor writes response fields in query order, as the GraphQL spec requires.
      // Yoga's default executor writes them in the order their resolvers finish.
      useEngine({ execute }),
      useCookies(),
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] }),
      // graphql-armor rejects oversized operations during validation. It skips introspection
      // fields, so GraphiQL's deep introspection query still works.
      EnvelopArmorPlugin({
        maxDepth: { n: config.GRAPHQL_MAX_DEPTH },
        maxAliases: { n: config.GRAPHQL_MAX_ALIASES },
        maxTokens: { n: config.GRAPHQL_MAX_TOKENS },
        costLimit: { maxCost: config.GRAPHQL_MAX_COST },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: !config.INTROSPECTION_ENABLED },
      }),
      config.INTROSPECTION_ENABLED ? {} : useDisableIntrospection(),
      useRejectNulCharacters(),
      useErrorCodes(),
    ],
  });
}
