import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printPanelSchema } from '../src/schema/print.js';

describe('schema.graphql', () => {
  it('matches the schema built from code', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    // On failure, run `npm run -s schema:print` and commit schema.graphql.
    expect(printPanelSchema()).toBe(committed);
  });
});
