import { and, count, eq } from 'drizzle-orm';
import type { ApplicationRow } from '../db/schema.js';
import { applications } from '../db/schema.js';
import {
  APPLICATION_DESCRIPTION_MAX_LENGTH,
  RECORD_RETENTION_DAYS_MAX,
  RECORD_RETENTION_DAYS_MIN,
  applicationNameContains,
  createApplication,
  deleteApplication,
  findApplication,
  listApplications,
  updateApplication,
} from '../domain/applications.js';
import { NAME_RULE } from '../domain/validation.js';
import { AlreadyExistsError, InputError, notFoundError } from '../errors.js';
import { actorOf, assertViewer } from '../graphql/viewer.js';
import { builder } from './builder.js';
import { newestFirst, resolveKeysetConnection, type KeysetOrder } from './pagination.js';
import { requiresSection } from './sections.js';

// Type

export const ApplicationType = builder.objectRef<ApplicationRow>('Application').implement({
  description:
    'A telephony application of the account. Its scenarios, rules and users are fields guarded by their own ' +
    'sections, so one query returns what the viewer may see and FORBIDDEN for the rest.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, ...requiresSection('APPLICATIONS', 'The application ID.') }),
    name: t.exposeString('name', {
      nullable: false,
      ...requiresSection('APPLICATIONS', `Unique in the account, ignoring case; ${NAME_RULE}.`),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false, ...requiresSection('APPLICATIONS', 'When it was created.') }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: false,
      ...requiresSection('APPLICATIONS', 'When its name or settings last changed.'),
    }),
    description: t.exposeString('description', {
      ...requiresSection('APPLICATION', `Free text of up to ${APPLICATION_DESCRIPTION_MAX_LENGTH} characters; null when empty.`),
    }),
    recordCalls: t.exposeBoolean('recordCalls', { ...requiresSection('APPLICATION', 'Whether calls of the application are recorded.') }),
    recordRetentionDays: t.exposeInt('recordRetentionDays', {
      ...requiresSection('APPLICATION', 'How many days call records are kept.'),
    }),
  }),
});

// Queries

const ApplicationOrderEnum = builder.enumType('ApplicationOrder', {
  values: {
    NEWEST_FIRST: { description: 'By creation time, newest first.' },
    NAME: { description: 'By name in ascending order (PostgreSQL collation), then by ID.' },
  } as const,
});

const byNewest = newestFirst<ApplicationRow>(applications);

const byName: KeysetOrder<ApplicationRow> = {
  column: applications.name,
  id: applications.id,
  direction: 'asc',
  valueOf: (row) => row.name,
  parse: (text) => text,
};

builder.queryFields((t) => ({
  applications: t.connection(
    {
      type: ApplicationType,
      ...requiresSection('APPLICATIONS', 'The account\'s applications, newest first or by name. At most 100 a page.'),
      args: {
        nameContains: t.arg.string({ description: 'Only applications whose name contains this text, ignoring case.' }),
        orderBy: t.arg({ type: ApplicationOrderEnum, defaultValue: 'NEWEST_FIRST' }),
      },
      resolve: async (_root, args, context) => {
        const viewer = await assertViewer(context);
        const { db } = context.services;
        const filter = applicationNameContains(args.nameContains);
        const order = args.orderBy === 'NAME' ? byName : byNewest;
        const [connection, [total]] = await Promise.all([
          resolveKeysetConnection(args, order, (query) => listApplications(db, viewer.accountId, { ...query, filter })),
          db
            .select({ value: count() })
            .from(applications)
            .where(and(eq(applications.accountId, viewer.accountId), filter)),
        ]);
        return { ...connection, totalCount: total?.value ?? 0 };
      },
    },
    {
      name: 'ApplicationConnection',
      fields: (connection) => ({
        totalCount: connection.int({
          nullable: false,
          description: 'Applications that match the filter, on every page.',
          resolve: (parent) => parent.totalCount,
        }),
      }),
    },
    { name: 'ApplicationEdge' },
  ),
  application: t.field({
    type: ApplicationType,
    ...requiresSection('APPLICATION', 'One application of the account; NOT_FOUND for an unknown ID.'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const viewer = await assertViewer(context);
      const row = await findApplication(context.services.db, viewer.accountId, String(id));
      if (!row) throw notFoundError('Application', String(id));
      return row;
    },
  }),
}));

// Inputs

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: `Unique in the account, ignoring case; ${NAME_RULE}.` }),
  }),
});

const UpdateApplicationInput = builder.inputType('UpdateApplicationInput', {
  description: 'Fields left out or null stay unchanged; an empty description clears it.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: `Unique in the account, ignoring case; ${NAME_RULE}.` }),
    description: t.string({ description: `Up to ${APPLICATION_DESCRIPTION_MAX_LENGTH} characters.` }),
    recordCalls: t.boolean(),
    recordRetentionDays: t.int({ description: `${RECORD_RETENTION_DAYS_MIN} to ${RECORD_RETENTION_DAYS_MAX} days.` }),
  }),
});

const DeleteApplicationInput = builder.inputType('DeleteApplicationInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

// Mutations

const ApplicationPayload = builder.objectRef<{ application: ApplicationRow }>('ApplicationPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'application' in value,
  fields: (t) => ({
    application: t.field({ type: ApplicationType, nullable: false, resolve: (payload) => payload.application }),
  }),
});

const DeleteApplicationPayload = builder.objectRef<{ deletedApplicationId: string }>('DeleteApplicationPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'deletedApplicationId' in value,
  fields: (t) => ({ deletedId: t.exposeID('deletedApplicationId', { nullable: false }) }),
});

builder.mutationFields((t) => ({
  createApplication: t.field({
    type: ApplicationPayload,
    ...requiresSection('APPLICATIONS', 'Creates an application with a name that is unique in the account.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'CreateApplicationResult' } },
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const application = await createApplication(context.services.db, actorOf(viewer, context), input);
      return { application };
    },
  }),
  updateApplication: t.field({
    type: ApplicationPayload,
    ...requiresSection('APPLICATION', 'Changes an application\'s name or settings.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'UpdateApplicationResult' } },
    args: { input: t.arg({ type: UpdateApplicationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const application = await updateApplication(context.services.db, actorOf(viewer, context), id, input);
      if (!application) throw notFoundError('Application', id);
      return { application };
    },
  }),
  deleteApplication: t.field({
    type: DeleteApplicationPayload,
    ...requiresSection('APPLICATION', 'Deletes an application with all of its scenarios, rules and users, in one transaction.'),
    args: { input: t.arg({ type: DeleteApplicationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await deleteApplication(context.services.db, actorOf(viewer, context), id);
      if (!row) throw notFoundError('Application', id);
      return { deletedApplicationId: row.id };
    },
  }),
}));
