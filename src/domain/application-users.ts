import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { hashPassword } from '../auth/password.js';
import type { Executor } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { applicationUsers, type ApplicationUserRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
import { lockApplication } from './applications.js';
import { changedFieldNames, recordAudit, type Actor } from './audit.js';
import { parseId, parseInput, passwordSchema } from './validation.js';

export const USER_NAME_RULE = '1 to 64 characters: letters, digits, dot, dash and underscore; stored in lower case';
export const DISPLAY_NAME_MAX_LENGTH = 255;
export const BALANCE_LIMIT_RULE = 'a decimal string from 0 to 999999999999.99 with at most two fraction digits, such as "250" or "99.50"';

const nameSchema = z
  .string()
  .trim()
  .transform((name) => name.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9._-]{1,64}$/, `User name must be ${USER_NAME_RULE}.`));

const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Display name must not be empty.')
  .max(DISPLAY_NAME_MAX_LENGTH, `Display name must be at most ${DISPLAY_NAME_MAX_LENGTH} characters.`);

const balanceLimitSchema = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, `Balance limit must be ${BALANCE_LIMIT_RULE}.`);

const createSchema = z.object({
  name: nameSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
  active: z.boolean().nullish(),
  balanceLimit: balanceLimitSchema.nullish(),
});

const updateSchema = z.object({
  name: nameSchema.nullish(),
  displayName: displayNameSchema.nullish(),
  password: passwordSchema.nullish(),
  active: z.boolean().nullish(),
  // An empty string removes the limit, so it is checked only when not empty.
  balanceLimit: z.union([z.literal(''), balanceLimitSchema]).nullish(),
});

export type CreateApplicationUserInput = z.input<typeof createSchema>;
export type UpdateApplicationUserInput = z.input<typeof updateSchema>;

function rethrowNameTaken(error: unknown, name: string | null | undefined): never {
  if (name && uniqueViolationConstraint(error) === 'application_users_application_name_key') {
    throw new AlreadyExistsError('input.name', `The user name "${name}" is already taken in this application.`);
  }
  throw error;
}

/** Normalizes a decimal string as PostgreSQL's numeric(14, 2) stores it, e.g. "5" to "5.00". */
function toStoredDecimal(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  return `${BigInt(whole).toString()}.${fraction.padEnd(2, '0')}`;
}

/**
 * Creates a client user in an application of the actor's account, with its password hashed.
 * Returns undefined when the application is not there; throws InputError or AlreadyExistsError.
 */
export async function createApplicationUser(
  db: Executor,
  actor: Actor,
  applicationId: string,
  input: CreateApplicationUserInput,
): Promise<ApplicationUserRow | undefined> {
  const parsed = parseInput(createSchema, input);
  const passwordHash = await hashPassword(parsed.password);
  try {
    return await db.transaction(async (tx) => {
      const application = await lockApplication(tx, actor.accountId, applicationId, 'key share');
      if (!application) return undefined;
      const [row] = await tx
        .insert(applicationUsers)
        .values({
          accountId: actor.accountId,
          applicationId: application.id,
          name: parsed.name,
          displayName: parsed.displayName,
          passwordHash,
          active: parsed.active ?? true,
          balanceLimit: parsed.balanceLimit != null ? toStoredDecimal(parsed.balanceLimit) : null,
        })
        .returning();
      if (!row) throw new Error('INSERT ... RETURNING returned no user row');
      await recordAudit(tx, actor, { operation: 'CREATE_USER', target: { type: 'USER', id: row.id } });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, parsed.name);
  }
}

/** Returns the user when it belongs to the account; undefined for a malformed or foreign ID. */
export async function findApplicationUser(db: Executor, accountId: string, id: string): Promise<ApplicationUserRow | undefined> {
  const userId = parseId(id);
  if (!userId) return undefined;
  const [row] = await db
    .select()
    .from(applicationUsers)
    .where(and(eq(applicationUsers.accountId, accountId), eq(applicationUsers.id, userId)));
  return row;
}

/**
 * Updates the given fields; a field left out or null stays as it is, and an empty balance limit
 * removes the limit. Returns undefined when the user is not in the actor's account.
 */
export async function updateApplicationUser(
  db: Executor,
  actor: Actor,
  id: string,
  input: UpdateApplicationUserInput,
): Promise<ApplicationUserRow | undefined> {
  const parsed = parseInput(updateSchema, input);
  const userId = parseId(id);
  if (!userId) return undefined;
  const passwordHash = parsed.password != null ? await hashPassword(parsed.password) : undefined;
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(applicationUsers)
        .where(and(eq(applicationUsers.accountId, actor.accountId), eq(applicationUsers.id, userId)))
        .for('update');
      if (!existing) return undefined;

      const changes: Partial<typeof applicationUsers.$inferInsert> = { updatedAt: new Date() };
      if (parsed.name != null) changes.name = parsed.name;
      if (parsed.displayName != null) changes.displayName = parsed.displayName;
      if (passwordHash) changes.passwordHash = passwordHash;
      if (parsed.active != null) changes.active = parsed.active;
      if (parsed.balanceLimit != null) changes.balanceLimit = parsed.balanceLimit === '' ? null : toStoredDecimal(parsed.balanceLimit);

      const [row] = await tx.update(applicationUsers).set(changes).where(eq(applicationUsers.id, userId)).returning();
      if (!row) throw new Error('UPDATE ... RETURNING returned no user row');
      const changedFields = changedFieldNames(existing, row, ['name', 'displayName', 'active', 'balanceLimit']);
      // The hash is salted, so it differs on every change: a given password counts as a change.
      if (passwordHash) changedFields.push('password');
      await recordAudit(tx, actor, { operation: 'UPDATE_USER', target: { type: 'USER', id: row.id }, changedFields });
      return row;
    });
  } catch (error) {
    rethrowNameTaken(error, parsed.name);
  }
}

/** Deletes a client user; returns undefined when it is not in the actor's account. */
export async function deleteApplicationUser(db: Executor, actor: Actor, id: string): Promise<ApplicationUserRow | undefined> {
  const userId = parseId(id);
  if (!userId) return undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(applicationUsers)
      .where(and(eq(applicationUsers.accountId, actor.accountId), eq(applicationUsers.id, userId)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, { operation: 'DELETE_USER', target: { type: 'USER', id: row.id } });
    return row;
  });
}
