import { and } from 'drizzle-orm';
import { auditLog, type AuditRecordRow } from '../db/schema.js';
import {
  AUDIT_OPERATIONS,
  AUDIT_TARGET_TYPES,
  auditFilterCondition,
  countAuditRecords,
  type AuditOperation,
  type AuditTargetType,
} from '../domain/audit.js';
import { badUserInputError } from '../errors.js';
import { assertViewer } from '../graphql/viewer.js';
import { builder } from './builder.js';
import { resolveNewestFirstConnection } from './pagination.js';
import { requiresSection } from './sections.js';

const AuditOperationEnum = builder.enumType('AuditOperation', {
  description: 'The mutation an audit record is about; login operations include failed attempts.',
  values: AUDIT_OPERATIONS,
});

const AuditTargetTypeEnum = builder.enumType('AuditTargetType', {
  description: 'The kind of object an audit record\'s target ID names.',
  values: AUDIT_TARGET_TYPES,
});

function isOperation(value: string): value is AuditOperation {
  return (AUDIT_OPERATIONS as readonly string[]).includes(value);
}

function isTargetType(value: string): value is AuditTargetType {
  return (AUDIT_TARGET_TYPES as readonly string[]).includes(value);
}

// Type

export const AuditRecordType = builder.objectRef<AuditRecordRow>('AuditRecord').implement({
  description: 'One successful change or one login attempt, written in the same transaction as the change.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, ...requiresSection('LOGS', 'The record ID.') }),
    time: t.field({
      type: 'DateTime',
      nullable: false,
      ...requiresSection('LOGS', 'When the change was made: the start time of its transaction.'),
      resolve: (record) => record.createdAt,
    }),
    subuserId: t.exposeID('subuserId', {
      ...requiresSection(
        'LOGS',
        'The subuser that acted; null when the main account acted and for failed login attempts, whose actor is unknown. ' +
          'The subuser may have been deleted since.',
      ),
    }),
    attemptedLogin: t.exposeString('attemptedLogin', {
      ...requiresSection('LOGS', 'For login attempts: the e-mail or subuser login as given. Passwords are never recorded.'),
    }),
    operation: t.field({
      type: AuditOperationEnum,
      nullable: false,
      ...requiresSection('LOGS', 'What was done.'),
      resolve: (record) => {
        if (!isOperation(record.operation)) throw new Error(`unknown audit operation ${record.operation}`);
        return record.operation;
      },
    }),
    succeeded: t.exposeBoolean('succeeded', {
      nullable: false,
      ...requiresSection('LOGS', 'False only for failed login attempts; failed mutations write no record.'),
    }),
    targetType: t.field({
      type: AuditTargetTypeEnum,
      ...requiresSection('LOGS', 'The kind of object changed; for a failed login, what the login matched, or null.'),
      resolve: (record) => {
        if (record.targetType === null) return null;
        if (!isTargetType(record.targetType)) throw new Error(`unknown audit target type ${record.targetType}`);
        return record.targetType;
      },
    }),
    targetId: t.exposeID('targetId', { ...requiresSection('LOGS', 'The ID of the object changed; it may have been deleted since.') }),
    clientIp: t.exposeString('clientIp', {
      ...requiresSection('LOGS', 'The client IP of the request; null for changes made by local scripts such as the seed.'),
    }),
    changedFields: t.exposeStringList('changedFields', {
      ...requiresSection(
        'LOGS',
        'For updates: the names of the fields whose values changed, such as `name` or `password`. Values are never ' +
          'recorded. Null for operations that are not updates.',
      ),
    }),
  }),
});

// Queries

const AuditLogFilter = builder.inputType('AuditLogFilter', {
  description: 'Every condition given must hold. Failed login attempts have no actor, so actor filters skip them.',
  fields: (t) => ({
    mainAccount: t.boolean({ description: 'True: only changes the main account itself made.' }),
    subuserId: t.id({
      description: 'Only changes this subuser made; it may have been deleted since. An unknown ID matches nothing.',
    }),
    operations: t.field({ type: [AuditOperationEnum], description: 'Only these operations.' }),
    from: t.field({ type: 'DateTime', description: 'Records at or after this time.' }),
    to: t.field({ type: 'DateTime', description: 'Records before this time.' }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.connection(
    {
      type: AuditRecordType,
      ...requiresSection('LOGS', 'The account\'s audit log, newest first. At most 100 a page.'),
      args: { filter: t.arg({ type: AuditLogFilter }) },
      resolve: async (_root, args, context) => {
        const viewer = await assertViewer(context);
        const filter = args.filter ?? {};
        if (filter.mainAccount && filter.subuserId != null) {
          throw badUserInputError('filter', 'give mainAccount or subuserId, not both.');
        }
        if (filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) {
          throw badUserInputError('filter.to', 'must not be earlier than filter.from.');
        }
        const condition = auditFilterCondition(viewer.accountId, {
          mainAccountOnly: filter.mainAccount,
          subuserId: filter.subuserId == null ? null : String(filter.subuserId),
          operations: filter.operations,
          from: filter.from,
          to: filter.to,
        });
        const { db } = context.services;
        const [connection, totalCount] = await Promise.all([
          resolveNewestFirstConnection<AuditRecordRow>(args, auditLog, ({ where, orderBy, limit }) =>
            db
              .select()
              .from(auditLog)
              .where(and(condition, where))
              .orderBy(...orderBy)
              .limit(limit),
          ),
          countAuditRecords(db, condition),
        ]);
        return { ...connection, totalCount };
      },
    },
    {
      name: 'AuditRecordConnection',
      fields: (connection) => ({
        totalCount: connection.int({
          nullable: false,
          description: 'Records that match the filter, on every page.',
          resolve: (parent) => parent.totalCount,
        }),
      }),
    },
    { name: 'AuditRecordEdge' },
  ),
}));
