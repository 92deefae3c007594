import { GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLSchema, DirectiveLocation, lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './errors.js';
import './enums.js';
import './account.js';
import './subuser-type.js';
import './access.js';
import './session.js';
import './subusers.js';
import './applications.js';
import './scenarios.js';
import './rules.js';
import './application-users.js';
import './audit.js';

builder.queryType({});
builder.mutationType({});

/**
 * Builds the executable schema and declares `@requiresSection`, whose argument uses the
 * PanelSection enum that Pothos builds, so it can only be declared after the build.
 */
export function buildSchema(): GraphQLSchema {
  const schema = builder.toSchema({ sortSchema: false });
  const sectionEnum = schema.getType('PanelSection');
  if (!(sectionEnum instanceof GraphQLEnumType)) {
    throw new Error('PanelSection enum is missing from the schema');
  }
  const requiresSection = new GraphQLDirective({
    name: 'requiresSection',
    description: 'The field needs this panel section; viewers without it get FORBIDDEN.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { section: { type: new GraphQLNonNull(sectionEnum) } },
  });
  const config = schema.toConfig();
  return lexicographicSortSchema(new GraphQLSchema({ ...config, directives: [...config.directives, requiresSection] }));
}
