import { readFileSync } from 'node:fs';
import { getDirective } from '@graphql-tools/utils';
import { buildSchema as buildSchemaFromSdl, isObjectType } from 'graphql';
import { expect, test } from 'vitest';
import { printPanelSchema } from '../src/schema/print.js';

test('schema.graphql matches the code', () => {
  const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
  // On failure run `npm run schema:print` and commit schema.graphql.
  expect(committed).toBe(printPanelSchema());
});

test('every guarded field names its section in the description', () => {
  // Read the printed SDL, which is what GraphiQL users and front ends see.
  const schema = buildSchemaFromSdl(printPanelSchema());
  const guarded: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const [directive] = getDirective(schema, field, 'requiresSection') ?? [];
      if (!directive) continue;
      guarded.push(`${type.name}.${field.name}`);
      expect(field.description, `${type.name}.${field.name}`).toContain(`Requires the panel section ${directive.section}`);
    }
  }
  expect(guarded.sort()).toEqual(
    expect.arrayContaining([
      'Account.email',
      'Mutation.createSubuser',
      'Mutation.deleteSubuser',
      'Mutation.setSubuserRoles',
      'Mutation.updateSubuser',
      'Query.panelSections',
      'Query.roles',
      'Query.subuser',
      'Query.subuserLoginUrl',
      'Query.subusers',
    ]),
  );
});
