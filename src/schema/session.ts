import { assertCredentialAttemptAllowed, logInAccount, logInSubuser } from '../auth/login.js';
import type { CreatedSession } from '../auth/sessions.js';
import { createAccount } from '../domain/accounts.js';
import { changeOwnPassword } from '../domain/passwords.js';
import { AlreadyExistsError, InputError, InvalidCredentialsError, SignUpDisabledError } from '../errors.js';
import type { Context } from '../graphql/context.js';
import { actorOf, assertViewer, viewerFromSession } from '../graphql/viewer.js';
import { recordAudit } from '../domain/audit.js';
import { MeType } from './access.js';
import { builder } from './builder.js';
import { requiresLogin } from './sections.js';

const SessionPayload = builder.objectRef<CreatedSession>('SessionPayload').implement({
  description: 'A new session. The session_id is also set as an HttpOnly cookie.',
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'token' in value && 'session' in value,
  fields: (t) => ({
    sessionId: t.string({
      nullable: false,
      description: 'Send it as `Authorization: Bearer <sessionId>`; the server keeps only its SHA-256.',
      resolve: (created) => created.token,
    }),
    expiresAt: t.field({ type: 'DateTime', nullable: false, resolve: (created) => new Date(created.session.expiresAt) }),
    viewer: t.field({ type: MeType, nullable: false, resolve: (created) => viewerFromSession(created.session) }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    accountName: t.string({ required: true, description: 'Lower-case letters, digits and dashes; 3 to 40 characters.' }),
    email: t.string({ required: true }),
    password: t.string({
      required: true,
      description: '8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a special character.',
    }),
  }),
});

const LogInInput = builder.inputType('LogInInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const LogInSubuserInput = builder.inputType('LogInSubuserInput', {
  fields: (t) => ({
    accountName: t.string({ required: true, description: 'The name in the account\'s subuser login link.' }),
    login: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({
    currentPassword: t.string({ required: true }),
    newPassword: t.string({ required: true }),
  }),
});

const ChangePasswordPayload = builder.objectRef<{ endedSessions: number }>('ChangePasswordPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'endedSessions' in value,
  fields: (t) => ({
    endedSessions: t.exposeInt('endedSessions', {
      nullable: false,
      description: 'How many other sessions of the viewer the change ended.',
    }),
  }),
});

async function startSession(context: Context, created: CreatedSession): Promise<CreatedSession> {
  await context.setSessionCookie(created.token, created.session.expiresAt);
  return created;
}

builder.mutationFields((t) => ({
  signUp: t.field({
    type: SessionPayload,
    description: 'Creates a main account and logs it in. The server can turn sign-up off. Rate limited per e-mail and per client IP, like logins.',
    errors: { types: [InputError, AlreadyExistsError, SignUpDisabledError], union: { name: 'SignUpResult' } },
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      if (!context.services.config.SIGNUP_ENABLED) throw new SignUpDisabledError();
      // Sign-up hashes a password and reveals whether an e-mail is registered, so it is limited
      // like a login.
      await assertCredentialAttemptAllowed(context.services, context.clientIp, `sign-up:${input.email.trim().toLowerCase()}`);
      const account = await createAccount(context.services.db, input, context.clientIp);
      const created = await context.services.sessions.create({ accountId: account.id, subuserId: null, roles: [] });
      return startSession(context, created);
    },
  }),
  logIn: t.field({
    type: SessionPayload,
    description: 'Logs in a main account by e-mail and password. Rate limited per e-mail and per client IP.',
    errors: { types: [InputError, InvalidCredentialsError], union: { name: 'LogInResult' } },
    args: { input: t.arg({ type: LogInInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      startSession(context, await logInAccount(context.services, context.clientIp, input)),
  }),
  logInSubuser: t.field({
    type: SessionPayload,
    description: 'Logs in a subuser through its account\'s name. Rate limited per account-and-login and per client IP.',
    errors: { types: [InputError, InvalidCredentialsError], union: { name: 'LogInSubuserResult' } },
    args: { input: t.arg({ type: LogInSubuserInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      startSession(context, await logInSubuser(context.services, context.clientIp, input)),
  }),
  logOut: t.boolean({
    ...requiresLogin('Ends the current session and clears the session cookie. Returns true.'),
    nullable: false,
    resolve: async (_root, _args, context) => {
      const viewer = await assertViewer(context);
      // The record is written only when the session could be ended, since the transaction waits
      // for Redis before it commits.
      await context.services.db.transaction(async (tx) => {
        await recordAudit(tx, actorOf(viewer, context), {
          operation: 'LOG_OUT',
          target: viewer.subuserId ? { type: 'SUBUSER', id: viewer.subuserId } : { type: 'ACCOUNT', id: viewer.accountId },
        });
        await context.services.sessions.invalidate(viewer.session);
      });
      await context.clearSessionCookie();
      return true;
    },
  }),
  changePassword: t.field({
    type: ChangePasswordPayload,
    ...requiresLogin('Changes the viewer\'s own password and ends its other sessions. Rate limited per principal and per client IP, like logins.'),
    errors: { types: [InputError], union: { name: 'ChangePasswordResult' } },
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      // A stolen session must not be able to guess the current password without limit.
      const principal = viewer.subuserId ? `subuser:${viewer.subuserId}` : `account:${viewer.accountId}`;
      await assertCredentialAttemptAllowed(context.services, context.clientIp, `password-change:${principal}`);
      const endedSessions = await changeOwnPassword(context.services.db, actorOf(viewer, context), input, () =>
        context.services.sessions.invalidateOthers(viewer.session),
      );
      return { endedSessions };
    },
  }),
}));
