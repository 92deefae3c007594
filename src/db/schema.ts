import { sql } from 'drizzle-orm';
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../access/matrix.js';

export const roleEnum = pgEnum('role', ROLES);

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  // Lower-case; shown on the account's subuser login page.
  name: text('name').notNull().unique(),
  // Lower-case, so uniqueness ignores case.
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export const subusers = pgTable(
  'subusers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    // Lower-case and unique within the account.
    login: text('login').notNull(),
    email: text('email'),
    description: text('description'),
    passwordHash: text('password_hash').notNull(),
    roles: roleEnum('roles').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('subusers_account_login_key').on(table.accountId, table.login),
    index('subusers_account_created_idx').on(table.accountId, table.createdAt, table.id),
    check('subusers_roles_not_empty', sql`cardinality(${table.roles}) >= 1`),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
export type SubuserRow = typeof subusers.$inferSelect;
