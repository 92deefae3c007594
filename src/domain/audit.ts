import { and, count, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { auditLog, type AuditRecordRow } from '../db/schema.js';

/** Operations that write an audit record; the stored value is the enum name. */
export const AUDIT_OPERATIONS = [
  'SIGN_UP',
  'LOG_IN',
  'LOG_IN_SUBUSER',
  'LOG_OUT',
  'CHANGE_PASSWORD',
  'CREATE_SUBUSER',
  'UPDATE_SUBUSER',
  'SET_SUBUSER_ROLES',
  'DELETE_SUBUSER',
  'CREATE_APPLICATION',
  'UPDATE_APPLICATION',
  'DELETE_APPLICATION',
  'CREATE_SCENARIO',
  'UPDATE_SCENARIO',
  'DELETE_SCENARIO',
  'CREATE_RULE',
  'UPDATE_RULE',
  'DELETE_RULE',
  'REORDER_RULES',
  'CREATE_USER',
  'UPDATE_USER',
  'DELETE_USER',
] as const;

export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

export const AUDIT_TARGET_TYPES = ['ACCOUNT', 'SUBUSER', 'APPLICATION', 'SCENARIO', 'RULE', 'USER'] as const;

export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * The actor of a change: the account, the subuser acting for it (null for the main account), and
 * the client IP of the request (null for local scripts such as the seed).
 */
export interface Actor {
  accountId: string;
  subuserId: string | null;
  clientIp: string | null;
}

export interface AuditEntry {
  operation: AuditOperation;
  target: { type: AuditTargetType; id: string } | null;
  /** Names of the fields an update changed; leave undefined for operations that are not updates. */
  changedFields?: readonly string[];
}

/**
 * Writes the audit record of a successful change. Call it with the transaction that makes the
 * change, so the record exists exactly when the change does.
 */
export async function recordAudit(executor: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await executor.insert(auditLog).values({
    accountId: actor.accountId,
    subuserId: actor.subuserId,
    operation: entry.operation,
    succeeded: true,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    clientIp: actor.clientIp,
    changedFields: entry.changedFields ? [...entry.changedFields] : null,
  });
}

export interface LoginAttempt {
  operation: 'LOG_IN' | 'LOG_IN_SUBUSER';
  succeeded: boolean;
  /** The account the e-mail or account name matched; null when it matched none. */
  accountId: string | null;
  /** The subuser that logged in; null for the main account and for every failed attempt. */
  subuserId: string | null;
  /** The account or subuser that the e-mail or login matched, also on a failed attempt. */
  target: { type: 'ACCOUNT' | 'SUBUSER'; id: string } | null;
  /** The e-mail or subuser login as given, lower-cased; the password is never stored. */
  attemptedLogin: string;
  clientIp: string;
}

/** Writes the audit record of a login attempt that reached the credential check. */
export async function recordLoginAttempt(executor: Executor, attempt: LoginAttempt): Promise<void> {
  await executor.insert(auditLog).values({
    accountId: attempt.accountId,
    subuserId: attempt.subuserId,
    attemptedLogin: attempt.attemptedLogin,
    operation: attempt.operation,
    succeeded: attempt.succeeded,
    targetType: attempt.target?.type ?? null,
    targetId: attempt.target?.id ?? null,
    clientIp: attempt.clientIp,
  });
}

type Comparable = string | number | boolean | Date | null | undefined | readonly string[];

function sameValue(before: Comparable, after: Comparable): boolean {
  if (before instanceof Date && after instanceof Date) return before.getTime() === after.getTime();
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.length === after.length && before.every((value, index) => value === after[index]);
  }
  return before === after;
}

/**
 * Returns the names of the listed fields whose values differ between two versions of a row, in
 * the order given. Only names are returned, so secrets never reach the audit log.
 */
export function changedFieldNames<Row extends Record<string, unknown>>(
  before: Row,
  after: Row,
  fields: ReadonlyArray<keyof Row & string>,
): string[] {
  return fields.filter((field) => !sameValue(before[field] as Comparable, after[field] as Comparable));
}

export interface AuditFilter {
  /**
   * True: only changes the main account itself made. Failed login attempts have no proven actor,
   * so they never match. False or null: no filter on it.
   */
  mainAccountOnly?: boolean | null;
  /** Only this subuser's records. A malformed ID matches no record. */
  subuserId?: string | null;
  operations?: readonly AuditOperation[] | null;
  /** Inclusive lower bound of the record time. */
  from?: Date | null;
  /** Exclusive upper bound of the record time. */
  to?: Date | null;
}

/** Builds the WHERE condition for an account's audit records matching the filter. */
export function auditFilterCondition(accountId: string, filter: AuditFilter): SQL {
  const conditions: Array<SQL | undefined> = [eq(auditLog.accountId, accountId)];
  if (filter.mainAccountOnly) conditions.push(isNull(auditLog.subuserId), eq(auditLog.succeeded, true));
  if (filter.subuserId != null) {
    // A malformed ID is treated like the ID of a subuser that never existed: it matches nothing.
    conditions.push(z.uuid().safeParse(filter.subuserId).success ? eq(auditLog.subuserId, filter.subuserId) : sql`false`);
  }
  if (filter.operations && filter.operations.length > 0) {
    conditions.push(inArray(auditLog.operation, [...filter.operations]));
  }
  if (filter.from) conditions.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) conditions.push(lt(auditLog.createdAt, filter.to));
  return and(...conditions) ?? sql`true`;
}

export async function countAuditRecords(executor: Executor, condition: SQL): Promise<number> {
  const [row] = await executor.select({ value: count() }).from(auditLog).where(condition);
  return row?.value ?? 0;
}

export type { AuditRecordRow };
