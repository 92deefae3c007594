import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from '../auth/password.js';
import type { Executor } from '../db/client.js';
import { accounts, subusers } from '../db/schema.js';
import { InputError } from '../errors.js';
import { recordAudit, type Actor } from './audit.js';
import { parseInput, passwordSchema } from './validation.js';

const changePasswordSchema = z.object({
  currentPassword: z.string().max(PASSWORD_MAX_LENGTH, 'Current password is incorrect.'),
  newPassword: passwordSchema,
});

export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/**
 * Replaces the actor's own password after checking the current one, records the change in the
 * audit log and runs `beforeCommit` (which ends the other sessions) before the change commits. Throws InputError on a wrong current password or a new password that breaks the policy.
 */
export async function changeOwnPassword<T>(
  db: Executor,
  principal: Actor,
  input: ChangePasswordInput,
  beforeCommit: () => Promise<T>,
): Promise<T> {
  const { currentPassword, newPassword } = parseInput(changePasswordSchema, input);
  const row = principal.subuserId
    ? await db.query.subusers.findFirst({ where: eq(subusers.id, principal.subuserId) })
    : await db.query.accounts.findFirst({ where: eq(accounts.id, principal.accountId) });
  if (!row || !(await verifyPassword(row.passwordHash, currentPassword))) {
    throw new InputError('input.currentPassword', 'Current password is incorrect.');
  }

  const passwordHash = await hashPassword(newPassword);
  return db.transaction(async (tx) => {
    if (principal.subuserId) {
      await tx.update(subusers).set({ passwordHash, updatedAt: new Date() }).where(eq(subusers.id, principal.subuserId));
    } else {
      await tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, principal.accountId));
    }
    await recordAudit(tx, principal, {
      operation: 'CHANGE_PASSWORD',
      target: principal.subuserId ? { type: 'SUBUSER', id: principal.subuserId } : { type: 'ACCOUNT', id: principal.accountId },
      changedFields: ['password'],
    });
    // Ending the other sessions inside the transaction means a Redis failure leaves the old
    // password in place, so the caller can retry with it.
    return beforeCommit();
  });
}
