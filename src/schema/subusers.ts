import { and, count, eq } from 'drizzle-orm';
import { findAccountById, subuserLoginUrl } from '../domain/accounts.js';
import { createSubuser, deleteSubuser, findSubuser, setSubuserRoles, updateSubuser } from '../domain/subusers.js';
import { subusers, type SubuserRow } from '../db/schema.js';
import { AlreadyExistsError, InputError, notFoundError } from '../errors.js';
import { actorOf, assertViewer } from '../graphql/viewer.js';
import { builder } from './builder.js';
import { RoleEnum } from './enums.js';
import { resolveNewestFirstConnection } from './pagination.js';
import { requiresSection } from './sections.js';
import { SubuserType } from './subuser-type.js';

// Queries

builder.queryFields((t) => ({
  subusers: t.connection(
    {
      type: SubuserType,
      ...requiresSection('SUBUSERS', 'The account\'s subusers with their roles, newest first. At most 100 a page.'),
      resolve: async (_root, args, context) => {
        const viewer = await assertViewer(context);
        const { db } = context.services;
        const inAccount = eq(subusers.accountId, viewer.accountId);
        const [connection, [total]] = await Promise.all([
          resolveNewestFirstConnection<SubuserRow>(args, subusers, ({ where, orderBy, limit }) =>
            db.select().from(subusers).where(and(inAccount, where)).orderBy(...orderBy).limit(limit),
          ),
          db.select({ value: count() }).from(subusers).where(inAccount),
        ]);
        return { ...connection, totalCount: total?.value ?? 0 };
      },
    },
    {
      fields: (connection) => ({
        totalCount: connection.int({ nullable: false, resolve: (parent) => parent.totalCount }),
      }),
    },
  ),
  subuser: t.field({
    type: SubuserType,
    ...requiresSection('SUBUSERS', 'One subuser of the account; NOT_FOUND for an unknown ID.'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const viewer = await assertViewer(context);
      const row = await findSubuser(context.services.db, viewer.accountId, String(id));
      if (!row) throw notFoundError('Subuser', String(id));
      return row;
    },
  }),
  subuserLoginUrl: t.string({
    ...requiresSection('SUBUSERS', 'The account\'s subuser login link: the public URL plus the account name.'),
    resolve: async (_root, _args, context) => {
      const viewer = await assertViewer(context);
      const account = await findAccountById(context.services.db, viewer.accountId);
      if (!account) throw notFoundError('Account', viewer.accountId);
      return subuserLoginUrl(context.services.config.PUBLIC_URL, account.name);
    },
  }),
}));

// Inputs

const CreateSubuserInput = builder.inputType('CreateSubuserInput', {
  fields: (t) => ({
    login: t.string({
      required: true,
      description: 'Unique in the account; letters, digits, dot, dash and underscore, up to 64 characters; stored in lower case.',
    }),
    password: t.string({
      required: true,
      description: '8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a special character.',
    }),
    roles: t.field({ type: [RoleEnum], required: true, description: 'At least one role.' }),
    email: t.string(),
    description: t.string({ description: 'Up to 500 characters.' }),
  }),
});

const UpdateSubuserInput = builder.inputType('UpdateSubuserInput', {
  description: 'Fields left out or null stay unchanged; an empty string clears e-mail or description.',
  fields: (t) => ({
    id: t.id({ required: true }),
    email: t.string(),
    description: t.string(),
    password: t.string({ description: 'A new password; ends every session of the subuser.' }),
  }),
});

const SetSubuserRolesInput = builder.inputType('SetSubuserRolesInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    roles: t.field({ type: [RoleEnum], required: true, description: 'Replaces the set; at least one role.' }),
  }),
});

const DeleteSubuserInput = builder.inputType('DeleteSubuserInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

// Mutations

const SubuserPayload = builder.objectRef<{ subuser: SubuserRow }>('SubuserPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'subuser' in value,
  fields: (t) => ({ subuser: t.field({ type: SubuserType, nullable: false, resolve: (payload) => payload.subuser }) }),
});

const DeleteSubuserPayload = builder.objectRef<{ deletedId: string }>('DeleteSubuserPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'deletedId' in value,
  fields: (t) => ({ deletedId: t.exposeID('deletedId', { nullable: false }) }),
});

builder.mutationFields((t) => ({
  createSubuser: t.field({
    type: SubuserPayload,
    ...requiresSection('SUBUSER_EDITING', 'Creates a subuser with a login, a password and at least one role.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'CreateSubuserResult' } },
    args: { input: t.arg({ type: CreateSubuserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const subuser = await createSubuser(context.services.db, actorOf(viewer, context), input);
      return { subuser };
    },
  }),
  updateSubuser: t.field({
    type: SubuserPayload,
    ...requiresSection('SUBUSER_EDITING', 'Changes a subuser\'s e-mail, description or password.'),
    errors: { types: [InputError], union: { name: 'UpdateSubuserResult' } },
    args: { input: t.arg({ type: UpdateSubuserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const result = await updateSubuser(context.services.db, actorOf(viewer, context), id, input, {
        beforeCommit: () => context.services.sessions.invalidateAllOfSubuser(id),
      });
      if (!result) throw notFoundError('Subuser', id);
      return { subuser: result.row };
    },
  }),
  setSubuserRoles: t.field({
    type: SubuserPayload,
    ...requiresSection('SUBUSER_EDITING', 'Replaces a subuser\'s roles; the change applies to its very next request.'),
    errors: { types: [InputError], union: { name: 'SetSubuserRolesResult' } },
    args: { input: t.arg({ type: SetSubuserRolesInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await setSubuserRoles(context.services.db, actorOf(viewer, context), id, input.roles, {
        beforeCommit: (changed) => context.services.sessions.updateSubuserRoles(id, changed.roles),
      });
      if (!row) throw notFoundError('Subuser', id);
      return { subuser: row };
    },
  }),
  deleteSubuser: t.field({
    type: DeleteSubuserPayload,
    ...requiresSection('SUBUSER_EDITING', 'Deletes a subuser and ends all of its sessions.'),
    args: { input: t.arg({ type: DeleteSubuserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await deleteSubuser(context.services.db, actorOf(viewer, context), id, {
        beforeCommit: () => context.services.sessions.invalidateAllOfSubuser(id),
      });
      if (!row) throw notFoundError('Subuser', id);
      return { deletedId: row.id };
    },
  }),
}));
