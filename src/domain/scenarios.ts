import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { scenarios, type ScenarioRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
import { lockApplication } from './applications.js';
import { changedFieldNames, recordAudit, type Actor } from './audit.js';
import { displayNameSchema, parseId, parseInput } from './validation.js';

/** 128 KiB of UTF-8: the largest scenario source the API stores. */
export const SCENARIO_SOURCE_MAX_BYTES = 128 * 1024;

const sourceSchema = z
  .string()
  .refine(
    (source) => Buffer.byteLength(source, 'utf8') <= SCENARIO_SOURCE_MAX_BYTES,
    `Source must be at most ${SCENARIO_SOURCE_MAX_BYTES} bytes (128 KiB) of UTF-8.`,
  );

const nameSchema = displayNameSchema('Scenario name');

const createSchema = z.object({ name: nameSchema, source: sourceSchema });
const updateSchema = z.object({ name: nameSchema.nullish(), source: sourceSchema.nullish() });

export type CreateScenarioInput = z.input<typeof createSchema>;
export type UpdateScenarioInput = z.input<typeof updateSchema>;

function rethrowNameTaken(error: unknown, name: string | null | undefined): never {
  if (name && uniqueViolationConstraint(error) === 'scenarios_application_name_key') {
    throw new AlreadyExistsError('input.name', `A scenario named "${name}" already exists in this application (names ignore case).`);
  }
  throw error;
}

/**
 * Creates a scenario in an application of the actor's account. Returns undefined when the
 * application is not there; throws InputError or AlreadyExistsError.
 */
export async function createScenario(
  db: Executor,
  actor: Actor,
  applicationId: string,
  input: CreateScenarioInput,
): Promise<ScenarioRow | undefined> {
  const parsed = parseInput(createSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const application = await lockApplication(tx, actor.accountId, applicationId, 'key share');
      if (!application) return undefined;
      const [row] = await tx
        .insert(scenarios)
        .values({ accountId: actor.accountId, applicationId: application.id, name: parsed.name, source: parsed.source })
        .returning();
      if (!row) throw new Error('INSERT ... RETURNING returned no scenario row');
      await recordAudit(tx, actor, { operation: 'CREATE_SCENARIO', target: { type: 'SCENARIO', id: row.id } });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, parsed.name);
  }
}

/** Returns the scenario when it belongs to the account; undefined for a malformed or foreign ID. */
export async function findScenario(db: Executor, accountId: string, id: string): Promise<ScenarioRow | undefined> {
  const scenarioId = parseId(id);
  if (!scenarioId) return undefined;
  const [row] = await db
    .select()
    .from(scenarios)
    .where(and(eq(scenarios.accountId, accountId), eq(scenarios.id, scenarioId)));
  return row;
}

/**
 * Changes a scenario's name or source; a field left out or null stays as it is. Returns undefined
 * when the scenario is not in the actor's account.
 */
export async function updateScenario(
  db: Executor,
  actor: Actor,
  id: string,
  input: UpdateScenarioInput,
): Promise<ScenarioRow | undefined> {
  const parsed = parseInput(updateSchema, input);
  const scenarioId = parseId(id);
  if (!scenarioId) return undefined;
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(scenarios)
        .where(and(eq(scenarios.accountId, actor.accountId), eq(scenarios.id, scenarioId)))
        .for('update');
      if (!existing) return undefined;

      const changes: Partial<typeof scenarios.$inferInsert> = { updatedAt: new Date() };
      if (parsed.name != null) changes.name = parsed.name;
      if (parsed.source != null) changes.source = parsed.source;
      const [row] = await tx.update(scenarios).set(changes).where(eq(scenarios.id, scenarioId)).returning();
      if (!row) throw new Error('UPDATE ... RETURNING returned no scenario row');
      await recordAudit(tx, actor, {
        operation: 'UPDATE_SCENARIO',
        target: { type: 'SCENARIO', id: row.id },
        changedFields: changedFieldNames(existing, row, ['name', 'source']),
      });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, parsed.name);
  }
}

/**
 * Deletes a scenario; ON DELETE CASCADE removes it from the scenario lists of the rules that ran
 * it. Returns undefined when it is not in the actor's account.
 */
export async function deleteScenario(db: Executor, actor: Actor, id: string): Promise<ScenarioRow | undefined> {
  const scenarioId = parseId(id);
  if (!scenarioId) return undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(scenarios)
      .where(and(eq(scenarios.accountId, actor.accountId), eq(scenarios.id, scenarioId)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, { operation: 'DELETE_SCENARIO', target: { type: 'SCENARIO', id: row.id } });
    return row;
  });
}

/** Returns the source text of each scenario, in the order of `ids`; for batching by a loader. */
export async function loadScenarioSources(db: Executor, ids: readonly string[]): Promise<Array<string | undefined>> {
  const rows = await db
    .select({ id: scenarios.id, source: scenarios.source })
    .from(scenarios)
    .where(inArray(scenarios.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, row.source]));
  return ids.map((id) => byId.get(id));
}
