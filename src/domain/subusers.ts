import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, type Role } from '../access/matrix.js';
import { hashPassword } from '../auth/password.js';
import type { Executor } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { subusers, type SubuserRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
import { changedFieldNames, recordAudit, type Actor } from './audit.js';
import { emailSchema, parseInput, passwordSchema, subuserLoginSchema } from './validation.js';

export const DESCRIPTION_MAX_LENGTH = 500;

const rolesSchema = z
  .array(z.enum(ROLES))
  .min(1, 'A subuser needs at least one role.')
  .transform((roles) => [...new Set(roles)]);

const descriptionSchema = z.string().trim().max(DESCRIPTION_MAX_LENGTH, `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters.`);

const createSchema = z.object({
  login: subuserLoginSchema,
  password: passwordSchema,
  roles: rolesSchema,
  email: emailSchema.nullish(),
  description: descriptionSchema.nullish(),
});

const updateSchema = z.object({
  email: z.union([z.literal(''), emailSchema]).nullish(),
  description: descriptionSchema.nullish(),
  password: passwordSchema.nullish(),
});

export type CreateSubuserInput = z.input<typeof createSchema>;
export type UpdateSubuserInput = z.input<typeof updateSchema>;

function loginTaken(login: string): AlreadyExistsError {
  return new AlreadyExistsError('input.login', `The login "${login}" is already taken in this account.`);
}

/** Creates a subuser in the actor's account and records it in the audit log. */
export async function createSubuser(db: Executor, actor: Actor, input: CreateSubuserInput): Promise<SubuserRow> {
  const parsed = parseInput(createSchema, input);
  const passwordHash = await hashPassword(parsed.password);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(subusers)
        .values({
          accountId: actor.accountId,
          login: parsed.login,
          passwordHash,
          roles: parsed.roles,
          email: parsed.email ?? null,
          description: parsed.description ?? null,
        })
        .returning();
      if (!row) throw new Error('INSERT ... RETURNING returned no subuser row');
      await recordAudit(tx, actor, { operation: 'CREATE_SUBUSER', target: { type: 'SUBUSER', id: row.id } });
      return row;
    });
  } catch (error) {
    if (uniqueViolationConstraint(error) === 'subusers_account_login_key') {
      throw loginTaken(parsed.login);
    }
    throw error;
  }
}

export async function findSubuser(db: Executor, accountId: string, id: string): Promise<SubuserRow | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  return db.query.subusers.findFirst({ where: and(eq(subusers.accountId, accountId), eq(subusers.id, id)) });
}

export async function findSubuserByLogin(db: Executor, accountId: string, login: string): Promise<SubuserRow | undefined> {
  return db.query.subusers.findFirst({
    where: and(eq(subusers.accountId, accountId), eq(subusers.login, login.trim().toLowerCase())),
  });
}

/**
 * Session work that must succeed for a change to commit. It runs inside the transaction after the
 * row is locked and changed, so a Redis failure rolls the change back and the caller can retry,
 * and a login that re-reads the row waits for the commit.
 */
export interface SessionHooks {
  beforeCommit?: (row: SubuserRow) => Promise<unknown>;
}

/**
 * Updates the given fields; a field left out or null stays as it is, and an empty string clears
 * e-mail or description. Returns the row and whether the password changed, or undefined when the
 * subuser is not in the actor's account. The audit record lists the fields whose values changed.
 */
export async function updateSubuser(
  db: Executor,
  actor: Actor,
  id: string,
  input: UpdateSubuserInput,
  hooks: SessionHooks = {},
): Promise<{ row: SubuserRow; passwordChanged: boolean } | undefined> {
  const parsed = parseInput(updateSchema, input);
  const passwordHash = parsed.password != null ? await hashPassword(parsed.password) : undefined;
  return db.transaction(async (tx) => {
    const existing = await findSubuserForUpdate(tx, actor.accountId, id);
    if (!existing) return undefined;

    const changes: Partial<typeof subusers.$inferInsert> = { updatedAt: new Date() };
    if (parsed.email != null) changes.email = parsed.email === '' ? null : parsed.email;
    if (parsed.description != null) changes.description = parsed.description === '' ? null : parsed.description;
    if (passwordHash) changes.passwordHash = passwordHash;

    const [row] = await tx
      .update(subusers)
      .set(changes)
      .where(and(eq(subusers.accountId, actor.accountId), eq(subusers.id, id)))
      .returning();
    if (!row) return undefined;
    const changedFields = changedFieldNames(existing, row, ['email', 'description']);
    if (passwordHash) changedFields.push('password');
    await recordAudit(tx, actor, { operation: 'UPDATE_SUBUSER', target: { type: 'SUBUSER', id }, changedFields });
    if (passwordHash) await hooks.beforeCommit?.(row);
    return { row, passwordChanged: passwordHash !== undefined };
  });
}

/** Replaces a subuser's roles; returns undefined when the subuser is not in the actor's account. */
export async function setSubuserRoles(
  db: Executor,
  actor: Actor,
  id: string,
  roles: readonly Role[],
  hooks: SessionHooks = {},
): Promise<SubuserRow | undefined> {
  const parsed = parseInput(rolesSchema, roles, 'input.roles');
  return db.transaction(async (tx) => {
    const existing = await findSubuserForUpdate(tx, actor.accountId, id);
    if (!existing) return undefined;
    const [row] = await tx
      .update(subusers)
      .set({ roles: parsed, updatedAt: new Date() })
      .where(and(eq(subusers.accountId, actor.accountId), eq(subusers.id, id)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, {
      operation: 'SET_SUBUSER_ROLES',
      target: { type: 'SUBUSER', id },
      changedFields: changedFieldNames(existing, row, ['roles']),
    });
    await hooks.beforeCommit?.(row);
    return row;
  });
}

/** Deletes a subuser; returns undefined when it is not in the actor's account. */
export async function deleteSubuser(
  db: Executor,
  actor: Actor,
  id: string,
  hooks: SessionHooks = {},
): Promise<SubuserRow | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(subusers)
      .where(and(eq(subusers.accountId, actor.accountId), eq(subusers.id, id)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, { operation: 'DELETE_SUBUSER', target: { type: 'SUBUSER', id } });
    await hooks.beforeCommit?.(row);
    return row;
  });
}

/** Reads a subuser and locks its row until the transaction ends, so concurrent updates queue. */
async function findSubuserForUpdate(tx: Executor, accountId: string, id: string): Promise<SubuserRow | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [row] = await tx
    .select()
    .from(subusers)
    .where(and(eq(subusers.accountId, accountId), eq(subusers.id, id)))
    .for('update');
  return row;
}
