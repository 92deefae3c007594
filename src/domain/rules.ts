import { and, asc, count, eq, gte, gt, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { rules, ruleScenarios, scenarios, type RuleRow } from '../db/schema.js';
import { InputError } from '../errors.js';
import { lockApplication } from './applications.js';
import { changedFieldNames, recordAudit, type Actor } from './audit.js';
import { displayNameSchema, parseId, parseInput } from './validation.js';

export const RULE_PATTERN_MAX_LENGTH = 1000;
export const RULE_SCENARIOS_MAX = 50;

/** A rule with the IDs of the scenarios it runs, in run order. */
export type RuleWithScenarios = RuleRow & { scenarioIds: string[] };

function patternSchema(subject: string) {
  return z
    .string()
    .min(1, `${subject} must not be empty.`)
    .max(RULE_PATTERN_MAX_LENGTH, `${subject} must be at most ${RULE_PATTERN_MAX_LENGTH} characters.`)
    .superRefine((pattern, ctx) => {
      try {
        new RegExp(pattern);
      } catch (error) {
        const reason = error instanceof SyntaxError ? error.message : 'it does not compile';
        ctx.addIssue({ code: 'custom', message: `${subject} is not a valid regular expression: ${reason}.` });
      }
    });
}

const scenarioIdsSchema = z
  .array(z.string())
  .max(RULE_SCENARIOS_MAX, `A rule runs at most ${RULE_SCENARIOS_MAX} scenarios.`)
  .refine((ids) => new Set(ids).size === ids.length, 'A scenario may appear only once in a rule.');

const nameSchema = displayNameSchema('Rule name');

const createSchema = z.object({
  name: nameSchema,
  pattern: patternSchema('Pattern'),
  excludePattern: patternSchema('Exclude pattern').nullish(),
  scenarioIds: scenarioIdsSchema,
  position: z.number().int().min(0, 'Position must be 0 or more.').nullish(),
});

const updateSchema = z.object({
  name: nameSchema.nullish(),
  pattern: patternSchema('Pattern').nullish(),
  // An empty string clears the exclude pattern, so it is checked only when not empty.
  excludePattern: z.union([z.literal(''), patternSchema('Exclude pattern')]).nullish(),
  scenarioIds: scenarioIdsSchema.nullish(),
});

export type CreateRuleInput = z.input<typeof createSchema>;
export type UpdateRuleInput = z.input<typeof updateSchema>;

/**
 * Selects a rule's scenario IDs in run order, as a uuid[] beside the rule's columns. The names are
 * written out because drizzle leaves table names off columns inside a subquery's select list, and
 * an unqualified "id" or "position" would be ambiguous there.
 */
export const ruleScenarioIdsColumn = sql<string[]>`array(
  select linked.scenario_id from rule_scenarios as linked
  where linked.rule_id = "rules"."id" order by linked.position)`;

/**
 * Checks that every ID names a scenario of the application and returns them in the given order.
 * A malformed ID or one from elsewhere gets the same InputError as a missing one.
 */
async function assertScenariosOfApplication(tx: Executor, applicationId: string, ids: readonly string[]): Promise<string[]> {
  const parsed = ids.map((id) => parseId(id));
  const wellFormed = parsed.filter((id): id is string => id !== undefined);
  const found = wellFormed.length
    ? await tx
        .select({ id: scenarios.id })
        .from(scenarios)
        .where(and(eq(scenarios.applicationId, applicationId), inArray(scenarios.id, wellFormed)))
    : [];
  const known = new Set(found.map((row) => row.id));
  const missing = ids.find((_id, index) => !known.has(parsed[index] ?? ''));
  if (missing !== undefined) {
    throw new InputError('input.scenarioIds', `Scenario ${missing} is not a scenario of this rule's application.`);
  }
  // The schema's check compares the IDs as given, so the same ID in other letter case gets here.
  if (new Set(wellFormed).size !== wellFormed.length) {
    throw new InputError('input.scenarioIds', 'A scenario may appear only once in a rule.');
  }
  return wellFormed;
}

async function writeRuleScenarios(tx: Executor, rule: RuleRow, scenarioIds: readonly string[]): Promise<void> {
  await tx.delete(ruleScenarios).where(eq(ruleScenarios.ruleId, rule.id));
  if (scenarioIds.length === 0) return;
  await tx.insert(ruleScenarios).values(
    scenarioIds.map((scenarioId, position) => ({ applicationId: rule.applicationId, ruleId: rule.id, scenarioId, position })),
  );
}

async function countRules(tx: Executor, applicationId: string): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(rules).where(eq(rules.applicationId, applicationId));
  return row?.value ?? 0;
}

/**
 * Creates a rule at `position` (0-based; the end of the list when left out), moving the rules at
 * and after it one place down. Returns undefined when the application is not in the actor's
 * account; throws InputError for an invalid pattern, position or scenario list.
 */
export async function createRule(
  db: Executor,
  actor: Actor,
  applicationId: string,
  input: CreateRuleInput,
): Promise<RuleWithScenarios | undefined> {
  const parsed = parseInput(createSchema, input);
  return db.transaction(async (tx) => {
    const application = await lockApplication(tx, actor.accountId, applicationId, 'update');
    if (!application) return undefined;
    const scenarioIds = await assertScenariosOfApplication(tx, application.id, parsed.scenarioIds);

    const total = await countRules(tx, application.id);
    const position = parsed.position ?? total;
    if (position > total) {
      throw new InputError('input.position', `Position must be 0 to ${total}: the application has ${total} rules.`);
    }
    await tx
      .update(rules)
      .set({ position: sql`${rules.position} + 1` })
      .where(and(eq(rules.applicationId, application.id), gte(rules.position, position)));

    const [row] = await tx
      .insert(rules)
      .values({
        accountId: actor.accountId,
        applicationId: application.id,
        name: parsed.name,
        pattern: parsed.pattern,
        excludePattern: parsed.excludePattern ?? null,
        position,
      })
      .returning();
    if (!row) throw new Error('INSERT ... RETURNING returned no rule row');
    await writeRuleScenarios(tx, row, scenarioIds);
    await recordAudit(tx, actor, { operation: 'CREATE_RULE', target: { type: 'RULE', id: row.id } });
    return { ...row, scenarioIds };
  });
}

/** Returns the rule when it belongs to the account; undefined for a malformed or foreign ID. */
export async function findRule(db: Executor, accountId: string, id: string): Promise<RuleWithScenarios | undefined> {
  const ruleId = parseId(id);
  if (!ruleId) return undefined;
  const [row] = await db
    .select({ rule: rules, scenarioIds: ruleScenarioIdsColumn })
    .from(rules)
    .where(and(eq(rules.accountId, accountId), eq(rules.id, ruleId)));
  return row ? { ...row.rule, scenarioIds: row.scenarioIds } : undefined;
}

/**
 * Changes a rule; a field left out or null stays as it is, an empty exclude pattern clears it and
 * `scenarioIds` replaces the whole list. Returns undefined when the rule is not in the actor's
 * account. The position changes only through reorderRules.
 */
export async function updateRule(
  db: Executor,
  actor: Actor,
  id: string,
  input: UpdateRuleInput,
): Promise<RuleWithScenarios | undefined> {
  const parsed = parseInput(updateSchema, input);
  const ruleId = parseId(id);
  if (!ruleId) return undefined;
  return db.transaction(async (tx) => {
    const existing = await findRule(tx, actor.accountId, ruleId);
    if (!existing) return undefined;
    // Lock the application as every rule change does, so positions and lists change one at a time.
    await lockApplication(tx, actor.accountId, existing.applicationId, 'update');

    const changes: Partial<typeof rules.$inferInsert> = { updatedAt: new Date() };
    if (parsed.name != null) changes.name = parsed.name;
    if (parsed.pattern != null) changes.pattern = parsed.pattern;
    if (parsed.excludePattern != null) changes.excludePattern = parsed.excludePattern === '' ? null : parsed.excludePattern;
    const [row] = await tx.update(rules).set(changes).where(eq(rules.id, ruleId)).returning();
    if (!row) return undefined;

    let scenarioIds = existing.scenarioIds;
    if (parsed.scenarioIds != null) {
      scenarioIds = await assertScenariosOfApplication(tx, row.applicationId, parsed.scenarioIds);
      await writeRuleScenarios(tx, row, scenarioIds);
    }
    const updated: RuleWithScenarios = { ...row, scenarioIds };
    await recordAudit(tx, actor, {
      operation: 'UPDATE_RULE',
      target: { type: 'RULE', id: row.id },
      changedFields: changedFieldNames(existing, updated, ['name', 'pattern', 'excludePattern', 'scenarioIds']),
    });
    return updated;
  });
}

/**
 * Deletes a rule and moves the rules after it one place up. Returns undefined when the rule is
 * not in the actor's account.
 */
export async function deleteRule(db: Executor, actor: Actor, id: string): Promise<RuleRow | undefined> {
  const ruleId = parseId(id);
  if (!ruleId) return undefined;
  return db.transaction(async (tx) => {
    const existing = await findRule(tx, actor.accountId, ruleId);
    if (!existing) return undefined;
    await lockApplication(tx, actor.accountId, existing.applicationId, 'update');
    const [row] = await tx.delete(rules).where(eq(rules.id, ruleId)).returning();
    if (!row) return undefined;
    await tx
      .update(rules)
      .set({ position: sql`${rules.position} - 1` })
      .where(and(eq(rules.applicationId, row.applicationId), gt(rules.position, row.position)));
    await recordAudit(tx, actor, { operation: 'DELETE_RULE', target: { type: 'RULE', id: row.id } });
    return row;
  });
}

/**
 * Sets the order of an application's rules: `ruleIds` must list every rule of the application
 * exactly once, first rule first. Returns the rules in their new order, or undefined when the
 * application is not in the actor's account.
 */
export async function reorderRules(
  db: Executor,
  actor: Actor,
  applicationId: string,
  ruleIds: readonly string[],
): Promise<RuleWithScenarios[] | undefined> {
  return db.transaction(async (tx) => {
    const application = await lockApplication(tx, actor.accountId, applicationId, 'update');
    if (!application) return undefined;
    const current = await tx
      .select({ id: rules.id, position: rules.position })
      .from(rules)
      .where(eq(rules.applicationId, application.id))
      .orderBy(asc(rules.position));

    const currentIds = new Set(current.map((rule) => rule.id));
    const normalized = ruleIds.map((id) => id.toLowerCase());
    const requested = new Set(normalized);
    const stranger = ruleIds.find((_id, index) => !currentIds.has(normalized[index] ?? ''));
    if (stranger !== undefined) {
      throw new InputError('input.ruleIds', `Rule ${stranger} is not a rule of this application.`);
    }
    if (requested.size !== normalized.length) {
      throw new InputError('input.ruleIds', 'Each rule may appear only once.');
    }
    if (requested.size !== currentIds.size) {
      throw new InputError(
        'input.ruleIds',
        `List every rule of the application exactly once: it has ${currentIds.size} rules and the list names ${requested.size}.`,
      );
    }

    const positions = normalized.map((id, position) => sql`(${id}::uuid, ${position}::integer)`);
    if (positions.length > 0) {
      await tx.execute(sql`
        update ${rules} set position = ordered.position, updated_at = now()
        from (values ${sql.join(positions, sql`, `)}) as ordered(id, position)
        where ${rules.id} = ordered.id and ${rules.position} <> ordered.position`);
    }
    await recordAudit(tx, actor, {
      operation: 'REORDER_RULES',
      target: { type: 'APPLICATION', id: application.id },
      changedFields: ['rules.position'],
    });
    return listRulesOfApplication(tx, application.id);
  });
}

/** Lists every rule of the application in run order. */
export async function listRulesOfApplication(db: Executor, applicationId: string): Promise<RuleWithScenarios[]> {
  const rows = await db
    .select({ rule: rules, scenarioIds: ruleScenarioIdsColumn })
    .from(rules)
    .where(eq(rules.applicationId, applicationId))
    .orderBy(asc(rules.position), asc(rules.id));
  return rows.map((row) => ({ ...row.rule, scenarioIds: row.scenarioIds }));
}
