import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES, type Role } from '../access/matrix.js';
import { hashPassword } from '../auth/password.js';
import type { Database } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { subusers, type SubuserRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
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

export async function createSubuser(db: Database, accountId: string, input: CreateSubuserInput): Promise<SubuserRow> {
  const parsed = parseInput(createSchema, input);
  const passwordHash = await hashPassword(parsed.password);
  try {
    const [row] = await db
      .insert(subusers)
      .values({
        accountId,
        login: parsed.login,
        passwordHash,
        roles: parsed.roles,
        email: parsed.email ?? null,
        description: parsed.description ?? null,
      })
      .returning();
    if (!row) throw new Error('INSERT ... RETURNING returned no subuser row');
    return row;
  } catch (error) {
    if (uniqueViolationConstraint(error) === 'subusers_account_login_key') {
      throw loginTaken(parsed.login);
    }
    throw error;
  }
}

export async function findSubuser(db: Database, accountId: string, id: string): Promise<SubuserRow | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  return db.query.subusers.findFirst({ where: and(eq(subusers.accountId, accountId), eq(subusers.id, id)) });
}

export async function findSubuserByLogin(db: Database, accountId: string, login: string): Promise<SubuserRow | undefined> {
  return db.query.subusers.findFirst({
    where: and(eq(subusers.accountId, accountId), eq(subusers.login, login.trim().toLowerCase())),
  });
}

/**
 * Updates the given fields; a field left out or null stays as it is, and an empty string clears
 * e-mail or description. Returns the row and whether the password changed, or undefined when the
 * subuser is not in the account.
 */
export async function updateSubuser(
  db: Database,
  accountId: string,
  id: string,
  input: UpdateSubuserInput,
): Promise<{ row: SubuserRow; passwordChanged: boolean } | undefined> {
  const parsed = parseInput(updateSchema, input);
  const existing = await findSubuser(db, accountId, id);
  if (!existing) return undefined;

  const changes: Partial<typeof subusers.$inferInsert> = { updatedAt: new Date() };
  if (parsed.email != null) changes.email = parsed.email === '' ? null : parsed.email;
  if (parsed.description != null) changes.description = parsed.description === '' ? null : parsed.description;
  if (parsed.password != null) changes.passwordHash = await hashPassword(parsed.password);

  const [row] = await db
    .update(subusers)
    .set(changes)
    .where(and(eq(subusers.accountId, accountId), eq(subusers.id, id)))
    .returning();
  return row ? { row, passwordChanged: parsed.password != null } : undefined;
}

export async function setSubuserRoles(
  db: Database,
  accountId: string,
  id: string,
  roles: readonly Role[],
): Promise<SubuserRow | undefined> {
  const parsed = parseInput(rolesSchema, roles, 'input.roles');
  if (!z.uuid().safeParse(id).success) return undefined;
  const [row] = await db
    .update(subusers)
    .set({ roles: parsed, updatedAt: new Date() })
    .where(and(eq(subusers.accountId, accountId), eq(subusers.id, id)))
    .returning();
  return row;
}

export async function deleteSubuser(db: Database, accountId: string, id: string): Promise<SubuserRow | undefined> {
  if (!z.uuid().safeParse(id).success) return undefined;
  const [row] = await db
    .delete(subusers)
    .where(and(eq(subusers.accountId, accountId), eq(subusers.id, id)))
    .returning();
  return row;
}

