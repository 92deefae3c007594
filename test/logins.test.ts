import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { accounts, subusers } from '../src/db/schema.js';
import { LOG_IN, LOG_IN_SUBUSER, PASSWORD, seedAccount, seedSubuser, uniqueName } from './helpers/fixtures.js';
import { useTestServers } from './helpers/server.js';

const start = useTestServers();

type LogInResult = { __typename: string; code?: string; message?: string; sessionId?: string };

test('wrong account, login or password answer the same', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);

  const attempts = [
    { accountName: 'no-such-account', login: subuser.login, password: PASSWORD },
    { accountName: account.name, login: 'no-such-login', password: PASSWORD },
    { accountName: account.name, login: subuser.login, password: 'Wrong-password-1' },
  ];
  const answers: unknown[] = [];
  for (const input of attempts) {
    const result = await testServer.request<{ logInSubuser: LogInResult }>(LOG_IN_SUBUSER, { input });
    expect(result.errors).toBeUndefined();
    answers.push(result.data?.logInSubuser);
  }
  const expected = { __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'Invalid credentials.' };
  expect(answers).toEqual([expected, expected, expected]);

  const mainAnswers = [];
  for (const input of [
    { email: 'nobody@example.com', password: PASSWORD },
    { email: account.email, password: 'Wrong-password-1' },
  ]) {
    const result = await testServer.request<{ logIn: LogInResult }>(LOG_IN, { input });
    mainAnswers.push(result.data?.logIn);
  }
  expect(mainAnswers).toEqual([expected, expected]);
});

test('subuser login and account name ignore case', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['PAYER'], 'Mixed.Case_User');
  expect(subuser.login).toBe('mixed.case_user');

  const result = await testServer.request<{ logInSubuser: LogInResult }>(LOG_IN_SUBUSER, {
    input: { accountName: account.name.toUpperCase(), login: 'MIXED.CASE_USER', password: PASSWORD },
  });
  expect(result.data?.logInSubuser.__typename).toBe('SessionPayload');
});

test('subuser cannot log in through another account', async () => {
  const testServer = await start();
  const home = await seedAccount(testServer.database.db, 'home');
  const elsewhere = await seedAccount(testServer.database.db, 'elsewhere');
  const subuser = await seedSubuser(testServer.database.db, home.id, ['ADMIN']);

  const result = await testServer.request<{ logInSubuser: LogInResult }>(LOG_IN_SUBUSER, {
    input: { accountName: elsewhere.name, login: subuser.login, password: PASSWORD },
  });
  expect(result.data?.logInSubuser.code).toBe('INVALID_CREDENTIALS');
});

test('identity rate limit returns RATE_LIMITED', async () => {
  const testServer = await start({ LOGIN_RATE_LIMIT_PER_IDENTITY: '3', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '600' });
  const account = await seedAccount(testServer.database.db);
  const subuser = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);
  const input = { accountName: account.name, login: subuser.login, password: 'Wrong-password-1' };

  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const result = await testServer.request<{ logInSubuser: LogInResult }>(LOG_IN_SUBUSER, { input });
    expect(result.data?.logInSubuser.code, `attempt ${attempt}`).toBe('INVALID_CREDENTIALS');
  }
  // The right password no longer helps once the limit is reached.
  const limited = await testServer.request(LOG_IN_SUBUSER, { input: { ...input, password: PASSWORD } });
  expect(limited.data).toEqual({ logInSubuser: null });
  expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  const retryAfter = limited.errors?.[0]?.extensions?.retryAfterSeconds;
  expect(retryAfter).toBeGreaterThan(590);
  expect(retryAfter).toBeLessThanOrEqual(600);

  // Another login of the same account still has its own budget.
  const other = await seedSubuser(testServer.database.db, account.id, ['SUPPORT']);
  const unaffected = await testServer.request<{ logInSubuser: LogInResult }>(LOG_IN_SUBUSER, {
    input: { accountName: account.name, login: other.login, password: PASSWORD },
  });
  expect(unaffected.data?.logInSubuser.__typename).toBe('SessionPayload');
});

test('aliases in one request each count as an attempt', async () => {
  const testServer = await start({ LOGIN_RATE_LIMIT_PER_IDENTITY: '3' });
  const account = await seedAccount(testServer.database.db);

  const aliases = Array.from(
    { length: 5 },
    (_, index) => `a${index}: logIn(input: { email: "${account.email}", password: "Wrong-password-${index}" }) { ... on MutationError { code } }`,
  );
  const result = await testServer.request<Record<string, { code: string } | null>>(`mutation { ${aliases.join('\n')} }`);
  expect(result.data).toEqual({
    a0: { code: 'INVALID_CREDENTIALS' },
    a1: { code: 'INVALID_CREDENTIALS' },
    a2: { code: 'INVALID_CREDENTIALS' },
    a3: null,
    a4: null,
  });
  expect(result.errors?.map((error) => [error.path?.[0], error.extensions?.code])).toEqual([
    ['a3', 'RATE_LIMITED'],
    ['a4', 'RATE_LIMITED'],
  ]);
});

test('client IP rate limit spans identities', async () => {
  const testServer = await start({ LOGIN_RATE_LIMIT_PER_IP: '4', LOGIN_RATE_LIMIT_PER_IDENTITY: '100' });
  const codes: Array<string | undefined> = [];
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const result = await testServer.request<{ logIn: LogInResult | null }>(LOG_IN, {
      input: { email: `${uniqueName('someone')}@example.com`, password: 'Wrong-password-1' },
    });
    codes.push(result.data?.logIn?.code ?? (result.errors?.[0]?.extensions?.code as string | undefined));
  }
  expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED', 'RATE_LIMITED']);
});

const SIGN_UP = `mutation ($input: SignUpInput!) {
  signUp(input: $input) {
    __typename
    ... on SessionPayload { sessionId viewer { isMainAccount account { name email } } }
    ... on MutationError { code message }
    ... on InputError { field }
    ... on AlreadyExistsError { field }
  }
}`;

test('signUp creates a lower-cased account and logs it in', async () => {
  const testServer = await start();
  const name = uniqueName('NewCo');
  const result = await testServer.request<{ signUp: { sessionId: string; viewer: unknown } }>(SIGN_UP, {
    input: { accountName: name, email: `Boss@${name}.Example`, password: PASSWORD },
  });
  expect(result.errors).toBeUndefined();
  expect(result.data?.signUp.viewer).toEqual({
    isMainAccount: true,
    account: { name: name.toLowerCase(), email: `boss@${name.toLowerCase()}.example` },
  });
  const me = await testServer.request('{ me { isMainAccount } }', {}, { token: result.data!.signUp.sessionId });
  expect(me.data).toEqual({ me: { isMainAccount: true } });
});

test('signUp rejects taken names and e-mails', async () => {
  const testServer = await start();
  const existing = await seedAccount(testServer.database.db);

  const sameName = await testServer.request<{ signUp: Record<string, unknown> }>(SIGN_UP, {
    input: { accountName: existing.name.toUpperCase(), email: 'other@example.com', password: PASSWORD },
  });
  expect(sameName.data?.signUp).toMatchObject({ __typename: 'AlreadyExistsError', code: 'ALREADY_EXISTS', field: 'input.accountName' });

  const sameEmail = await testServer.request<{ signUp: Record<string, unknown> }>(SIGN_UP, {
    input: { accountName: uniqueName('fresh'), email: existing.email.toUpperCase(), password: PASSWORD },
  });
  expect(sameEmail.data?.signUp).toMatchObject({ __typename: 'AlreadyExistsError', code: 'ALREADY_EXISTS', field: 'input.email' });
  const rows = await testServer.database.db.select().from(accounts).where(eq(accounts.email, existing.email));
  expect(rows).toHaveLength(1);
});

test.each([
  ['Short-1', 'must be 8 to 128 characters long'],
  [`${'Aa1-'.repeat(32)}x`, 'must be 8 to 128 characters long'],
  ['lowercase-only-1', 'must contain an upper-case letter'],
  ['UPPERCASE-ONLY-1', 'must contain a lower-case letter'],
  ['No-digits-here', 'must contain a digit'],
  ['NoSpecial123', 'must contain a special character'],
])('password rule rejects %s', async (password, reason) => {
  const testServer = await start();
  const name = uniqueName('weak');
  const result = await testServer.request<{ signUp: Record<string, unknown> }>(SIGN_UP, {
    input: { accountName: name, email: `${name}@example.com`, password },
  });
  expect(result.data?.signUp).toEqual({
    __typename: 'InputError',
    code: 'BAD_USER_INPUT',
    field: 'input.password',
    message: `Password ${reason}.`,
  });
  const rows = await testServer.database.db.select().from(accounts).where(eq(accounts.name, name));
  expect(rows).toEqual([]);
});

test('password rule applies to createSubuser', async () => {
  const testServer = await start();
  const account = await seedAccount(testServer.database.db);
  const login = uniqueName('weakling');
  const token = (
    await testServer.request<{ logIn: { sessionId: string } }>(LOG_IN, { input: { email: account.email, password: PASSWORD } })
  ).data!.logIn.sessionId;
  const result = await testServer.request<{ createSubuser: Record<string, unknown> }>(
    'mutation ($input: CreateSubuserInput!) { createSubuser(input: $input) { ... on InputError { code field } } }',
    { input: { login, password: 'password', roles: ['SUPPORT'] } },
    { token },
  );
  expect(result.data?.createSubuser).toEqual({ code: 'BAD_USER_INPUT', field: 'input.password' });
  expect(await testServer.database.db.select().from(subusers).where(eq(subusers.login, login))).toEqual([]);
});

test('signUp can be turned off', async () => {
  const testServer = await start({ SIGNUP_ENABLED: 'false' });
  const name = uniqueName('closed');
  const result = await testServer.request<{ signUp: Record<string, unknown> }>(SIGN_UP, {
    input: { accountName: name, email: `${name}@example.com`, password: PASSWORD },
  });
  expect(result.data?.signUp).toEqual({
    __typename: 'SignUpDisabledError',
    code: 'SIGN_UP_DISABLED',
    message: 'Sign-up is turned off on this server.',
  });
  expect(await testServer.database.db.select().from(accounts).where(eq(accounts.name, name))).toEqual([]);
});

test('changePassword attempts are rate limited', async () => {
  const testServer = await start({ LOGIN_RATE_LIMIT_PER_IDENTITY: '2' });
  const account = await seedAccount(testServer.database.db);
  const login = await testServer.request<{ logIn: { sessionId: string } }>(LOG_IN, { input: { email: account.email, password: PASSWORD } });
  const token = login.data!.logIn.sessionId;
  const CHANGE = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ... on MutationError { code } } }`;

  const codes: unknown[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await testServer.request<{ changePassword: { code: string } | null }>(
      CHANGE,
      { input: { currentPassword: `Guess-number-${attempt}`, newPassword: 'Brand-new-pass-2' } },
      { token },
    );
    codes.push(result.data?.changePassword?.code ?? result.errors?.[0]?.extensions?.code);
  }
  expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'RATE_LIMITED']);
  const [row] = await testServer.database.db.select().from(accounts).where(eq(accounts.id, account.id));
  expect(row?.passwordHash).toBe(account.passwordHash);
});

test('signUp is rate limited per client IP', async () => {
  const testServer = await start({ LOGIN_RATE_LIMIT_PER_IP: '2' });
  const names: string[] = [];
  const outcomes: unknown[] = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const name = uniqueName('burst');
    names.push(name);
    const result = await testServer.request<{ signUp: { __typename: string } | null }>(SIGN_UP, {
      input: { accountName: name, email: `${name}@example.com`, password: PASSWORD },
    });
    outcomes.push(result.data?.signUp?.__typename ?? result.errors?.[0]?.extensions?.code);
  }
  expect(outcomes).toEqual(['SessionPayload', 'SessionPayload', 'RATE_LIMITED']);
  expect(await testServer.database.db.select().from(accounts).where(eq(accounts.name, names[2]!))).toEqual([]);
});
