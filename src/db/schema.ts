import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
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

const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();

export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    // Call recording settings of the application: whether calls are recorded and for how many days
    // the records are kept.
    recordCalls: boolean('record_calls').notNull().default(false),
    recordRetentionDays: integer('record_retention_days').notNull().default(90),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    // Names are unique in the account ignoring case.
    uniqueIndex('applications_account_name_key').on(table.accountId, sql`lower(${table.name})`),
    index('applications_account_created_idx').on(table.accountId, table.createdAt, table.id),
    index('applications_account_name_idx').on(table.accountId, table.name, table.id),
    // Target of the composite foreign keys below, which keep a child row in its application's account.
    unique('applications_account_id_key').on(table.accountId, table.id),
  ],
);

export const scenarios = pgTable(
  'scenarios',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull(),
    applicationId: uuid('application_id').notNull(),
    name: text('name').notNull(),
    source: text('source').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    foreignKey({
      name: 'scenarios_application_fk',
      columns: [table.accountId, table.applicationId],
      foreignColumns: [applications.accountId, applications.id],
    }).onDelete('cascade'),
    uniqueIndex('scenarios_application_name_key').on(table.applicationId, sql`lower(${table.name})`),
    index('scenarios_application_created_idx').on(table.applicationId, table.createdAt, table.id),
    // Target of the rule_scenarios foreign key, which keeps a rule's scenarios in its application.
    unique('scenarios_application_id_key').on(table.applicationId, table.id),
  ],
);

export const rules = pgTable(
  'rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull(),
    applicationId: uuid('application_id').notNull(),
    name: text('name').notNull(),
    pattern: text('pattern').notNull(),
    excludePattern: text('exclude_pattern'),
    // 0-based and dense within the application. The domain layer keeps it so under a lock on the
    // application row. A unique index is left out because PostgreSQL checks a non-deferrable one
    // row by row, so the single UPDATE of a reorder could fail on a swap.
    position: integer('position').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    foreignKey({
      name: 'rules_application_fk',
      columns: [table.accountId, table.applicationId],
      foreignColumns: [applications.accountId, applications.id],
    }).onDelete('cascade'),
    index('rules_application_position_idx').on(table.applicationId, table.position, table.id),
    unique('rules_application_id_key').on(table.applicationId, table.id),
  ],
);

/** The ordered scenarios a rule runs. Both keys carry the application, so they cannot point elsewhere. */
export const ruleScenarios = pgTable(
  'rule_scenarios',
  {
    applicationId: uuid('application_id').notNull(),
    ruleId: uuid('rule_id').notNull(),
    scenarioId: uuid('scenario_id').notNull(),
    position: integer('position').notNull(),
  },
  (table) => [
    primaryKey({ name: 'rule_scenarios_pkey', columns: [table.ruleId, table.position] }),
    foreignKey({
      name: 'rule_scenarios_rule_fk',
      columns: [table.applicationId, table.ruleId],
      foreignColumns: [rules.applicationId, rules.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'rule_scenarios_scenario_fk',
      columns: [table.applicationId, table.scenarioId],
      foreignColumns: [scenarios.applicationId, scenarios.id],
    }).onDelete('cascade'),
    index('rule_scenarios_scenario_idx').on(table.scenarioId),
  ],
);

/** Client users of an application (logins for calls and messaging), not panel subusers. */
export const applicationUsers = pgTable(
  'application_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull(),
    applicationId: uuid('application_id').notNull(),
    // Lower-case and unique within the application.
    name: text('name').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    // Null means no limit; numeric keeps cents exact and drizzle returns it as a string.
    balanceLimit: numeric('balance_limit', { precision: 14, scale: 2 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    foreignKey({
      name: 'application_users_application_fk',
      columns: [table.accountId, table.applicationId],
      foreignColumns: [applications.accountId, applications.id],
    }).onDelete('cascade'),
    uniqueIndex('application_users_application_name_key').on(table.applicationId, table.name),
    index('application_users_application_created_idx').on(table.applicationId, table.createdAt, table.id),
    check('application_users_balance_limit_not_negative', sql`${table.balanceLimit} >= 0`),
  ],
);

/**
 * One record per successful mutation and per login attempt that reached the credential check.
 * Subuser and target ids are plain columns, so records outlive what they name.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Null only for a failed login whose e-mail or account name matched no account.
    accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
    subuserId: uuid('subuser_id'),
    // The e-mail or subuser login given in a login attempt; null for other operations.
    attemptedLogin: text('attempted_login'),
    operation: text('operation').notNull(),
    succeeded: boolean('succeeded').notNull().default(true),
    targetType: text('target_type'),
    targetId: uuid('target_id'),
    // Null when the change came from a local script such as the seed.
    clientIp: text('client_ip'),
    // Names of the fields an update changed; null for operations that are not updates.
    changedFields: text('changed_fields').array(),
    createdAt: createdAt(),
  },
  (table) => [
    index('audit_log_account_created_idx').on(table.accountId, table.createdAt, table.id),
    index('audit_log_account_subuser_created_idx').on(table.accountId, table.subuserId, table.createdAt),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
export type SubuserRow = typeof subusers.$inferSelect;
export type ApplicationRow = typeof applications.$inferSelect;
export type ScenarioRow = typeof scenarios.$inferSelect;
export type RuleRow = typeof rules.$inferSelect;
export type ApplicationUserRow = typeof applicationUsers.$inferSelect;
export type AuditRecordRow = typeof auditLog.$inferSelect;
