import { and, eq, ilike, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { applications, type ApplicationRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
import { changedFieldNames, recordAudit, type Actor } from './audit.js';
import { displayNameSchema, parseId, parseInput } from './validation.js';

export const APPLICATION_DESCRIPTION_MAX_LENGTH = 500;
export const RECORD_RETENTION_DAYS_MIN = 1;
export const RECORD_RETENTION_DAYS_MAX = 3650;

const nameSchema = displayNameSchema('Application name');

const createSchema = z.object({ name: nameSchema });

const updateSchema = z.object({
  name: nameSchema.nullish(),
  description: z
    .string()
    .trim()
    .max(APPLICATION_DESCRIPTION_MAX_LENGTH, `Description must be at most ${APPLICATION_DESCRIPTION_MAX_LENGTH} characters.`)
    .nullish(),
  recordCalls: z.boolean().nullish(),
  recordRetentionDays: z
    .number()
    .int('Record retention must be a whole number of days.')
    .min(RECORD_RETENTION_DAYS_MIN, `Record retention must be ${RECORD_RETENTION_DAYS_MIN} to ${RECORD_RETENTION_DAYS_MAX} days.`)
    .max(RECORD_RETENTION_DAYS_MAX, `Record retention must be ${RECORD_RETENTION_DAYS_MIN} to ${RECORD_RETENTION_DAYS_MAX} days.`)
    .nullish(),
});

export type CreateApplicationInput = z.input<typeof createSchema>;
export type UpdateApplicationInput = z.input<typeof updateSchema>;

const UPDATABLE_FIELDS = ['name', 'description', 'recordCalls', 'recordRetentionDays'] as const;

function nameTaken(name: string): AlreadyExistsError {
  return new AlreadyExistsError('input.name', `An application named "${name}" already exists in this account (names ignore case).`);
}

function rethrowNameTaken(error: unknown, name: string | null | undefined): never {
  if (name && uniqueViolationConstraint(error) === 'applications_account_name_key') throw nameTaken(name);
  throw error;
}

/** Creates an application in the actor's account; throws InputError or AlreadyExistsError. */
export async function createApplication(db: Executor, actor: Actor, input: CreateApplicationInput): Promise<ApplicationRow> {
  const { name } = parseInput(createSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(applications).values({ accountId: actor.accountId, name }).returning();
      if (!row) throw new Error('INSERT ... RETURNING returned no application row');
      await recordAudit(tx, actor, { operation: 'CREATE_APPLICATION', target: { type: 'APPLICATION', id: row.id } });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, name);
  }
}

/** Returns the application when it belongs to the account; undefined for a malformed or foreign ID. */
export async function findApplication(db: Executor, accountId: string, id: string): Promise<ApplicationRow | undefined> {
  const applicationId = parseId(id);
  if (!applicationId) return undefined;
  const [row] = await db
    .select()
    .from(applications)
    .where(and(eq(applications.accountId, accountId), eq(applications.id, applicationId)));
  return row;
}

export type ApplicationLock = 'update' | 'key share';

/**
 * Reads the application and locks its row until the transaction ends: `update` serializes changes
 * to the application and its rule order, `key share` only keeps it from being deleted meanwhile.
 */
export async function lockApplication(
  tx: Executor,
  accountId: string,
  id: string,
  lock: ApplicationLock,
): Promise<ApplicationRow | undefined> {
  const applicationId = parseId(id);
  if (!applicationId) return undefined;
  const [row] = await tx
    .select()
    .from(applications)
    .where(and(eq(applications.accountId, accountId), eq(applications.id, applicationId)))
    .for(lock);
  return row;
}

/**
 * Updates the given settings; a field left out or null stays as it is, and an empty description
 * clears it. Returns undefined when the application is not in the actor's account.
 */
export async function updateApplication(
  db: Executor,
  actor: Actor,
  id: string,
  input: UpdateApplicationInput,
): Promise<ApplicationRow | undefined> {
  const parsed = parseInput(updateSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const existing = await lockApplication(tx, actor.accountId, id, 'update');
      if (!existing) return undefined;

      const changes: Partial<typeof applications.$inferInsert> = { updatedAt: new Date() };
      if (parsed.name != null) changes.name = parsed.name;
      if (parsed.description != null) changes.description = parsed.description === '' ? null : parsed.description;
      if (parsed.recordCalls != null) changes.recordCalls = parsed.recordCalls;
      if (parsed.recordRetentionDays != null) changes.recordRetentionDays = parsed.recordRetentionDays;

      const [row] = await tx.update(applications).set(changes).where(eq(applications.id, existing.id)).returning();
      if (!row) throw new Error('UPDATE ... RETURNING returned no application row');
      await recordAudit(tx, actor, {
        operation: 'UPDATE_APPLICATION',
        target: { type: 'APPLICATION', id: row.id },
        changedFields: changedFieldNames(existing, row, UPDATABLE_FIELDS),
      });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, parsed.name);
  }
}

/**
 * Deletes the application; its scenarios, rules and users go with it through ON DELETE CASCADE in
 * the same statement. Returns undefined when it is not in the actor's account.
 */
export async function deleteApplication(db: Executor, actor: Actor, id: string): Promise<ApplicationRow | undefined> {
  const applicationId = parseId(id);
  if (!applicationId) return undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(applications)
      .where(and(eq(applications.accountId, actor.accountId), eq(applications.id, applicationId)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, { operation: 'DELETE_APPLICATION', target: { type: 'APPLICATION', id: row.id } });
    return row;
  });
}

/** Matches names that contain `text`, ignoring case; LIKE wildcards in `text` match literally. */
export function applicationNameContains(text: string | null | undefined): SQL | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const escaped = trimmed.replace(/[\\%_]/g, (character) => `\\${character}`);
  return ilike(applications.name, `%${escaped}%`);
}

/** Lists one page of the account's applications for a keyset query built by the caller. */
export async function listApplications(
  db: Executor,
  accountId: string,
  query: { filter: SQL | undefined; where: SQL | undefined; orderBy: SQL[]; limit: number },
): Promise<ApplicationRow[]> {
  return db
    .select()
    .from(applications)
    .where(and(eq(applications.accountId, accountId), query.filter, query.where))
    .orderBy(...query.orderBy)
    .limit(query.limit);
}
