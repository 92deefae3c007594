// Writes schema.graphql from the code. A test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { printPanelSchema } from '../src/schema/print.js';

const target = new URL('../schema.graphql', import.meta.url);
writeFileSync(target, printPanelSchema());
console.log(`Wrote ${target.pathname}`);
