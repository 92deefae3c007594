import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema } from './index.js';

/** Prints the SDL committed as schema.graphql, with `@requiresSection` on guarded fields. */
export function printPanelSchema(): string {
  return `${printSchemaWithDirectives(buildSchema())}\n`;
}
