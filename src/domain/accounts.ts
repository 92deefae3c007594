import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { hashPassword } from '../auth/password.js';
import type { Database, Executor } from '../db/client.js';
import { uniqueViolationConstraint } from '../db/errors.js';
import { accounts, type AccountRow } from '../db/schema.js';
import { AlreadyExistsError } from '../errors.js';
import { recordAudit } from './audit.js';
import { accountNameSchema, emailSchema, parseInput, passwordSchema } from './validation.js';

const signUpSchema = z.object({
  accountName: accountNameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export type SignUpInput = z.input<typeof signUpSchema>;

/**
 * Creates a main account and records the sign-up in its audit log, with the new account as the
 * actor. `clientIp` is null for local scripts. Throws InputError or AlreadyExistsError for
 * expected failures.
 */
export async function createAccount(db: Executor, input: SignUpInput, clientIp: string | null): Promise<AccountRow> {
  const { accountName, email, password } = parseInput(signUpSchema, input);
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (tx) => {
      const [account] = await tx.insert(accounts).values({ name: accountName, email, passwordHash }).returning();
      if (!account) throw new Error('INSERT ... RETURNING returned no account row');
      await recordAudit(
        tx,
        { accountId: account.id, subuserId: null, clientIp },
        { operation: 'SIGN_UP', target: { type: 'ACCOUNT', id: account.id } },
      );
      return account;
    });
  } catch (error) {
    const constraint = uniqueViolationConstraint(error);
    if (constraint === 'accounts_name_unique') {
      throw new AlreadyExistsError('input.accountName', `The account name "${accountName}" is already taken.`);
    }
    if (constraint === 'accounts_email_unique') {
      throw new AlreadyExistsError('input.email', 'An account with this e-mail already exists.');
    }
    throw error;
  }
}

export async function findAccountById(db: Database, id: string): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.id, id) });
}

export async function findAccountByEmail(db: Database, email: string): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.email, email.trim().toLowerCase()) });
}

export async function findAccountByName(db: Database, name: string): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.name, name.trim().toLowerCase()) });
}

/** Builds the account's subuser login link: the configured public URL plus the account name. */
export function subuserLoginUrl(publicUrl: string, accountName: string): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(`login/${encodeURIComponent(accountName)}`, base).toString();
}
