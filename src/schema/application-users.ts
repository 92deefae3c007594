import { applicationUsers, type ApplicationUserRow } from '../db/schema.js';
import {
  BALANCE_LIMIT_RULE,
  createApplicationUser,
  deleteApplicationUser,
  DISPLAY_NAME_MAX_LENGTH,
  findApplicationUser,
  updateApplicationUser,
  USER_NAME_RULE,
} from '../domain/application-users.js';
import { AlreadyExistsError, InputError, notFoundError } from '../errors.js';
import { actorOf, assertViewer } from '../graphql/viewer.js';
import { ApplicationType } from './applications.js';
import { builder } from './builder.js';
import { newestFirst, resolveKeysetConnection } from './pagination.js';
import { requiresSection } from './sections.js';

const PASSWORD_RULE = '8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a special character.';

// Type

export const ApplicationUserType = builder.objectRef<ApplicationUserRow>('ApplicationUser').implement({
  description:
    'A client user of an application: a login for calls and messaging with its own balance limit. ' +
    'Not a subuser: it has no panel access.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, ...requiresSection('USERS', 'The user ID.') }),
    applicationId: t.exposeID('applicationId', { nullable: false, ...requiresSection('USERS', 'The application the user belongs to.') }),
    name: t.exposeString('name', {
      nullable: false,
      ...requiresSection('USERS', `The login name, unique in the application; ${USER_NAME_RULE}.`),
    }),
    displayName: t.exposeString('displayName', { nullable: false, ...requiresSection('USERS', 'The name shown to other parties.') }),
    active: t.exposeBoolean('active', { nullable: false, ...requiresSection('USERS', 'Whether the user may log in.') }),
    balanceLimit: t.exposeString('balanceLimit', {
      ...requiresSection('USERS', 'The most the user may spend, as a decimal string with two fraction digits; null for no limit.'),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false, ...requiresSection('USERS', 'When it was created.') }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: false, ...requiresSection('USERS', 'When it last changed.') }),
  }),
});

const byNewest = newestFirst<ApplicationUserRow>(applicationUsers);

builder.objectField(ApplicationType, 'users', (t) =>
  t.connection(
    {
      type: ApplicationUserType,
      nullable: true,
      ...requiresSection('USERS', 'The application\'s client users, newest first. At most 100 a page.'),
      resolve: async (application, args, context) => {
        const connection = await resolveKeysetConnection<ApplicationUserRow>(args, byNewest, ({ window, ...page }) =>
          context.loaders.userPage(window, page).load(application.id),
        );
        return { ...connection, applicationId: application.id };
      },
    },
    {
      name: 'ApplicationUserConnection',
      fields: (connection) => ({
        totalCount: connection.int({
          nullable: false,
          description: 'All users of the application, on every page.',
          resolve: (parent, _args, context) => context.loaders.count('users').load(parent.applicationId),
        }),
      }),
    },
    { name: 'ApplicationUserEdge' },
  ),
);

// Queries

builder.queryFields((t) => ({
  user: t.field({
    type: ApplicationUserType,
    ...requiresSection('USERS', 'One client user of the account; NOT_FOUND for an unknown ID.'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const viewer = await assertViewer(context);
      const row = await findApplicationUser(context.services.db, viewer.accountId, String(id));
      if (!row) throw notFoundError('User', String(id));
      return row;
    },
  }),
}));

// Inputs

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    applicationId: t.id({ required: true }),
    name: t.string({ required: true, description: `Unique in the application; ${USER_NAME_RULE}.` }),
    displayName: t.string({ required: true, description: `1 to ${DISPLAY_NAME_MAX_LENGTH} characters.` }),
    password: t.string({ required: true, description: PASSWORD_RULE }),
    active: t.boolean({ description: 'Default: true.' }),
    balanceLimit: t.string({ description: `Optional: ${BALANCE_LIMIT_RULE}. Left out or null: no limit.` }),
  }),
});

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Fields left out or null stay unchanged; an empty balance limit removes the limit.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: `Unique in the application; ${USER_NAME_RULE}.` }),
    displayName: t.string({ description: `1 to ${DISPLAY_NAME_MAX_LENGTH} characters.` }),
    password: t.string({ description: PASSWORD_RULE }),
    active: t.boolean(),
    balanceLimit: t.string({ description: `${BALANCE_LIMIT_RULE}, or an empty string for no limit.` }),
  }),
});

const DeleteUserInput = builder.inputType('DeleteUserInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

// Mutations

const UserPayload = builder.objectRef<{ user: ApplicationUserRow }>('UserPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'user' in value,
  fields: (t) => ({ user: t.field({ type: ApplicationUserType, nullable: false, resolve: (payload) => payload.user }) }),
});

const DeleteUserPayload = builder.objectRef<{ deletedUserId: string }>('DeleteUserPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'deletedUserId' in value,
  fields: (t) => ({ deletedId: t.exposeID('deletedUserId', { nullable: false }) }),
});

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserPayload,
    ...requiresSection('USERS', 'Creates a client user in an application; NOT_FOUND for an unknown application.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'CreateUserResult' } },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const applicationId = String(input.applicationId);
      const user = await createApplicationUser(context.services.db, actorOf(viewer, context), applicationId, input);
      if (!user) throw notFoundError('Application', applicationId);
      return { user };
    },
  }),
  updateUser: t.field({
    type: UserPayload,
    ...requiresSection('USERS', 'Changes a client user\'s name, display name, password, active flag or balance limit.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'UpdateUserResult' } },
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const user = await updateApplicationUser(context.services.db, actorOf(viewer, context), id, input);
      if (!user) throw notFoundError('User', id);
      return { user };
    },
  }),
  deleteUser: t.field({
    type: DeleteUserPayload,
    ...requiresSection('USERS', 'Deletes a client user.'),
    args: { input: t.arg({ type: DeleteUserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await deleteApplicationUser(context.services.db, actorOf(viewer, context), id);
      if (!row) throw notFoundError('User', id);
      return { deletedUserId: row.id };
    },
  }),
}));
