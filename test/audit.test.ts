import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, type AccountRow, type AuditRecordRow, type SubuserRow } from '../src/db/schema.js';
import { findAccountByName } from '../src/domain/accounts.js';
import { LOG_IN, LOG_IN_SUBUSER, logInAccount, logInAs, PASSWORD, seedAccount, seedSubuser, uniqueName } from './helpers/fixtures.js';
import { seedApplication, snapshotAccount, SOURCE, type SeededApplication } from './helpers/panel.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let account: AccountRow;
let admin: SubuserRow;
let mainToken: string;
let adminToken: string;
let seeded: SeededApplication;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  account = await seedAccount(db, 'audit');
  admin = await seedSubuser(db, account.id, ['ADMIN'], 'admin');
  seeded = await seedApplication(db, account.id);
  mainToken = await logInAccount(server, account);
  adminToken = await logInAs(server, account, admin);
});

afterAll(async () => {
  await server.close();
});

async function auditRows(accountId: string): Promise<AuditRecordRow[]> {
  return server.database.db.select().from(auditLog).where(eq(auditLog.accountId, accountId)).orderBy(auditLog.createdAt);
}

/** Runs `call` and returns the audit records it added to the account. */
async function recordsWrittenBy(accountId: string, call: () => Promise<unknown>): Promise<AuditRecordRow[]> {
  const before = new Set((await auditRows(accountId)).map((row) => row.id));
  await call();
  return (await auditRows(accountId)).filter((row) => !before.has(row.id));
}

/** Picks the fields of a record that a test can predict, leaving out the id and the time. */
function describeRecord(row: AuditRecordRow) {
  return {
    accountId: row.accountId,
    subuserId: row.subuserId,
    attemptedLogin: row.attemptedLogin,
    operation: row.operation,
    succeeded: row.succeeded,
    targetType: row.targetType,
    targetId: row.targetId,
    clientIp: row.clientIp,
    changedFields: row.changedFields,
  };
}

async function mutate(token: string, document: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await server.request<Record<string, Record<string, unknown>>>(document, { input }, { token });
  expect(result.errors).toBeUndefined();
  const payload = Object.values(result.data ?? {})[0];
  if (!payload) throw new Error(`no payload: ${JSON.stringify(result)}`);
  return payload;
}

const CREATE_APPLICATION = `mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) { __typename ... on ApplicationPayload { application { id } } ... on MutationError { code message } }
}`;

describe('audit record per mutation', () => {
  interface Case {
    operation: string;
    token: () => string;
    subuserId: () => string | null;
    /** Creates what the mutation acts on before the audit log is read; returns its ID. */
    prepare?: () => Promise<string>;
    run: (token: string, target: string) => Promise<{ targetType: string; targetId: string; changedFields: string[] | null }>;
  }

  const byAdmin = { token: () => adminToken, subuserId: () => admin.id };

  const cases: Case[] = [
    {
      operation: 'CREATE_APPLICATION',
      ...byAdmin,
      run: async (token) => {
        const payload = await mutate(token, CREATE_APPLICATION, { name: uniqueName('Audited') });
        return { targetType: 'APPLICATION', targetId: (payload.application as { id: string }).id, changedFields: null };
      },
    },
    {
      operation: 'UPDATE_APPLICATION',
      ...byAdmin,
      run: async (token) => {
        await mutate(
          token,
          'mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename } }',
          // recordCalls is already false, so only the other two fields change.
          { id: seeded.applicationId, description: 'Sales line', recordCalls: false, recordRetentionDays: 7 },
        );
        return { targetType: 'APPLICATION', targetId: seeded.applicationId, changedFields: ['description', 'recordRetentionDays'] };
      },
    },
    {
      operation: 'CREATE_SCENARIO',
      ...byAdmin,
      run: async (token) => {
        const payload = await mutate(
          token,
          'mutation ($input: CreateScenarioInput!) { createScenario(input: $input) { ... on ScenarioPayload { scenario { id } } } }',
          { applicationId: seeded.applicationId, name: uniqueName('Audited'), source: SOURCE },
        );
        return { targetType: 'SCENARIO', targetId: (payload.scenario as { id: string }).id, changedFields: null };
      },
    },
    {
      operation: 'UPDATE_SCENARIO',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { __typename } }', {
          id: seeded.scenarioId,
          source: `${SOURCE}// changed\n`,
        });
        return { targetType: 'SCENARIO', targetId: seeded.scenarioId, changedFields: ['source'] };
      },
    },
    {
      operation: 'CREATE_RULE',
      ...byAdmin,
      run: async (token) => {
        const payload = await mutate(
          token,
          'mutation ($input: CreateRuleInput!) { createRule(input: $input) { ... on RulePayload { rule { id } } } }',
          { applicationId: seeded.applicationId, name: 'Second', pattern: '^7', scenarioIds: [seeded.scenarioId] },
        );
        return { targetType: 'RULE', targetId: (payload.rule as { id: string }).id, changedFields: null };
      },
    },
    {
      operation: 'UPDATE_RULE',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: UpdateRuleInput!) { updateRule(input: $input) { __typename } }', {
          id: seeded.ruleId,
          name: 'Renamed',
          excludePattern: '^911$',
          scenarioIds: [],
        });
        return { targetType: 'RULE', targetId: seeded.ruleId, changedFields: ['name', 'excludePattern', 'scenarioIds'] };
      },
    },
    {
      operation: 'REORDER_RULES',
      ...byAdmin,
      run: async (token) => {
        const rules = await server.request<{ application: { rules: { nodes: Array<{ id: string }> } } }>(
          'query ($id: ID!) { application(id: $id) { rules { nodes { id } } } }',
          { id: seeded.applicationId },
          { token },
        );
        const ids = rules.data?.application.rules.nodes.map((rule) => rule.id) ?? [];
        await mutate(token, 'mutation ($input: ReorderRulesInput!) { reorderRules(input: $input) { __typename } }', {
          applicationId: seeded.applicationId,
          ruleIds: [...ids].reverse(),
        });
        return { targetType: 'APPLICATION', targetId: seeded.applicationId, changedFields: ['rules.position'] };
      },
    },
    {
      operation: 'DELETE_RULE',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: DeleteRuleInput!) { deleteRule(input: $input) { deletedId } }', { id: seeded.ruleId });
        return { targetType: 'RULE', targetId: seeded.ruleId, changedFields: null };
      },
    },
    {
      operation: 'DELETE_SCENARIO',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { deletedId } }', {
          id: seeded.scenarioId,
        });
        return { targetType: 'SCENARIO', targetId: seeded.scenarioId, changedFields: null };
      },
    },
    {
      operation: 'CREATE_USER',
      ...byAdmin,
      run: async (token) => {
        const payload = await mutate(
          token,
          'mutation ($input: CreateUserInput!) { createUser(input: $input) { ... on UserPayload { user { id } } } }',
          { applicationId: seeded.applicationId, name: uniqueName('caller'), displayName: 'Caller', password: PASSWORD },
        );
        return { targetType: 'USER', targetId: (payload.user as { id: string }).id, changedFields: null };
      },
    },
    {
      operation: 'UPDATE_USER',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }', {
          id: seeded.userId,
          password: 'New-secret-77',
          balanceLimit: '',
        });
        return { targetType: 'USER', targetId: seeded.userId, changedFields: ['balanceLimit', 'password'] };
      },
    },
    {
      operation: 'DELETE_USER',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: DeleteUserInput!) { deleteUser(input: $input) { deletedId } }', { id: seeded.userId });
        return { targetType: 'USER', targetId: seeded.userId, changedFields: null };
      },
    },
    {
      operation: 'DELETE_APPLICATION',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: DeleteApplicationInput!) { deleteApplication(input: $input) { deletedId } }', {
          id: seeded.applicationId,
        });
        return { targetType: 'APPLICATION', targetId: seeded.applicationId, changedFields: null };
      },
    },
    {
      operation: 'CREATE_SUBUSER',
      token: () => mainToken,
      subuserId: () => null,
      run: async (token) => {
        const payload = await mutate(
          token,
          'mutation ($input: CreateSubuserInput!) { createSubuser(input: $input) { ... on SubuserPayload { subuser { id } } } }',
          { login: uniqueName('temp'), password: PASSWORD, roles: ['SUPPORT'] },
        );
        return { targetType: 'SUBUSER', targetId: (payload.subuser as { id: string }).id, changedFields: null };
      },
    },
    {
      operation: 'UPDATE_SUBUSER',
      token: () => mainToken,
      subuserId: () => null,
      prepare: async () => (await seedSubuser(server.database.db, account.id, ['SUPPORT'])).id,
      run: async (token, target) => {
        await mutate(token, 'mutation ($input: UpdateSubuserInput!) { updateSubuser(input: $input) { __typename } }', {
          id: target,
          description: 'Night shift',
          password: 'Another-pass-8',
        });
        return { targetType: 'SUBUSER', targetId: target, changedFields: ['description', 'password'] };
      },
    },
    {
      operation: 'SET_SUBUSER_ROLES',
      token: () => mainToken,
      subuserId: () => null,
      prepare: async () => (await seedSubuser(server.database.db, account.id, ['SUPPORT'])).id,
      run: async (token, target) => {
        await mutate(token, 'mutation ($input: SetSubuserRolesInput!) { setSubuserRoles(input: $input) { __typename } }', {
          id: target,
          roles: ['SUPPORT', 'PAYER'],
        });
        return { targetType: 'SUBUSER', targetId: target, changedFields: ['roles'] };
      },
    },
    {
      operation: 'DELETE_SUBUSER',
      token: () => mainToken,
      subuserId: () => null,
      prepare: async () => (await seedSubuser(server.database.db, account.id, ['SUPPORT'])).id,
      run: async (token, target) => {
        await mutate(token, 'mutation ($input: DeleteSubuserInput!) { deleteSubuser(input: $input) { deletedId } }', { id: target });
        return { targetType: 'SUBUSER', targetId: target, changedFields: null };
      },
    },
    {
      operation: 'CHANGE_PASSWORD',
      ...byAdmin,
      run: async (token) => {
        await mutate(token, 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }', {
          currentPassword: PASSWORD,
          newPassword: 'Changed-pass-5',
        });
        return { targetType: 'SUBUSER', targetId: admin.id, changedFields: ['password'] };
      },
    },
  ];

  // The cases share one application and run in order, so each may use what the previous left.
  for (const auditCase of cases) {
    it(`${auditCase.operation} writes one record`, async () => {
      const target = (await auditCase.prepare?.()) ?? '';
      let expected: Awaited<ReturnType<Case['run']>> | undefined;
      const written = await recordsWrittenBy(account.id, async () => {
        expected = await auditCase.run(auditCase.token(), target);
      });
      expect(written.map(describeRecord)).toEqual([
        {
          accountId: account.id,
          subuserId: auditCase.subuserId(),
          attemptedLogin: null,
          operation: auditCase.operation,
          succeeded: true,
          clientIp: '127.0.0.1',
          ...expected,
        },
      ]);
    });
  }
});

describe('audit of sessions', () => {
  it('signUp writes one record for the new account', async () => {
    const name = uniqueName('signup');
    const result = await server.request<{ signUp: { __typename: string } }>(
      `mutation ($input: SignUpInput!) { signUp(input: $input) { __typename } }`,
      { input: { accountName: name, email: `${name}@example.com`, password: PASSWORD } },
    );
    expect(result.data?.signUp.__typename).toBe('SessionPayload');
    const created = await findAccountByName(server.database.db, name);
    if (!created) throw new Error('signUp created no account');
    expect((await auditRows(created.id)).map(describeRecord)).toEqual([
      {
        accountId: created.id,
        subuserId: null,
        attemptedLogin: null,
        operation: 'SIGN_UP',
        succeeded: true,
        targetType: 'ACCOUNT',
        targetId: created.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
  });

  it('successful logIn writes one record', async () => {
    const written = await recordsWrittenBy(account.id, () => logInAccount(server, account));
    expect(written.map(describeRecord)).toEqual([
      {
        accountId: account.id,
        subuserId: null,
        attemptedLogin: account.email,
        operation: 'LOG_IN',
        succeeded: true,
        targetType: 'ACCOUNT',
        targetId: account.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
  });

  it('failed logIn writes one record', async () => {
    const password = 'Wrong-password-1';
    const written = await recordsWrittenBy(account.id, async () => {
      const result = await server.request<{ logIn: { __typename: string } }>(LOG_IN, { input: { email: account.email, password } });
      expect(result.data?.logIn.__typename).toBe('InvalidCredentialsError');
    });
    expect(written.map(describeRecord)).toEqual([
      {
        accountId: account.id,
        subuserId: null,
        attemptedLogin: account.email,
        operation: 'LOG_IN',
        succeeded: false,
        targetType: 'ACCOUNT',
        targetId: account.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
    expect(JSON.stringify(written)).not.toContain(password);
  });

  it('failed logIn for an unknown e-mail writes one record', async () => {
    const email = `${uniqueName('nobody')}@example.com`;
    const result = await server.request<{ logIn: { __typename: string } }>(LOG_IN, { input: { email, password: 'Whatever-1!' } });
    expect(result.data?.logIn.__typename).toBe('InvalidCredentialsError');
    const rows = await server.database.db.select().from(auditLog).where(eq(auditLog.attemptedLogin, email));
    expect(rows.map(describeRecord)).toEqual([
      {
        accountId: null,
        subuserId: null,
        attemptedLogin: email,
        operation: 'LOG_IN',
        succeeded: false,
        targetType: null,
        targetId: null,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
  });

  it('logInSubuser writes one record on success and on failure', async () => {
    const subuser = await seedSubuser(server.database.db, account.id, ['SUPPORT']);
    const success = await recordsWrittenBy(account.id, () => logInAs(server, account, subuser));
    expect(success.map(describeRecord)).toEqual([
      {
        accountId: account.id,
        subuserId: subuser.id,
        attemptedLogin: subuser.login,
        operation: 'LOG_IN_SUBUSER',
        succeeded: true,
        targetType: 'SUBUSER',
        targetId: subuser.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);

    const failure = await recordsWrittenBy(account.id, async () => {
      const result = await server.request<{ logInSubuser: { __typename: string } }>(LOG_IN_SUBUSER, {
        input: { accountName: account.name, login: subuser.login, password: 'Wrong-password-2' },
      });
      expect(result.data?.logInSubuser.__typename).toBe('InvalidCredentialsError');
    });
    expect(failure.map(describeRecord)).toEqual([
      {
        accountId: account.id,
        subuserId: null,
        attemptedLogin: subuser.login,
        operation: 'LOG_IN_SUBUSER',
        succeeded: false,
        targetType: 'SUBUSER',
        targetId: subuser.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
  });

  it('logOut writes one record', async () => {
    const token = await logInAccount(server, account);
    const written = await recordsWrittenBy(account.id, async () => {
      const result = await server.request<{ logOut: boolean }>('mutation { logOut }', {}, { token });
      expect(result.data?.logOut).toBe(true);
    });
    expect(written.map(describeRecord)).toEqual([
      {
        accountId: account.id,
        subuserId: null,
        attemptedLogin: null,
        operation: 'LOG_OUT',
        succeeded: true,
        targetType: 'ACCOUNT',
        targetId: account.id,
        clientIp: '127.0.0.1',
        changedFields: null,
      },
    ]);
  });
});

describe('failed mutations write no record', () => {
  let failing: AccountRow;
  let failingToken: string;
  let support: string;
  let payer: string;
  let data: SeededApplication;

  beforeAll(async () => {
    failing = await seedAccount(server.database.db, 'failing');
    data = await seedApplication(server.database.db, failing.id, 'Existing');
    failingToken = await logInAccount(server, failing);
    support = await logInAs(server, failing, await seedSubuser(server.database.db, failing.id, ['SUPPORT']));
    payer = await logInAs(server, failing, await seedSubuser(server.database.db, failing.id, ['PAYER']));
  });

  // Each attempt fails with the given result typename or thrown error code.
  const attempts: Array<[string, () => string, string, () => Record<string, unknown>, string]> = [
    ['invalid application name', () => failingToken, CREATE_APPLICATION, () => ({ name: '!bad' }), 'InputError'],
    ['duplicate application name', () => failingToken, CREATE_APPLICATION, () => ({ name: 'EXISTING' }), 'AlreadyExistsError'],
    ['applications denied to payer', () => payer, CREATE_APPLICATION, () => ({ name: 'Fine name' }), 'FORBIDDEN'],
    [
      'invalid rule pattern',
      () => failingToken,
      'mutation ($input: CreateRuleInput!) { createRule(input: $input) { __typename } }',
      () => ({ applicationId: data.applicationId, name: 'Broken', pattern: '([', scenarioIds: [] }),
      'InputError',
    ],
    [
      'weak user password',
      () => failingToken,
      'mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }',
      () => ({ applicationId: data.applicationId, name: 'weak', displayName: 'Weak', password: 'short' }),
      'InputError',
    ],
    [
      'unknown scenario',
      () => failingToken,
      'mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { __typename } }',
      () => ({ id: '00000000-0000-4000-8000-000000000000', name: 'Ghost' }),
      'NOT_FOUND',
    ],
    [
      'scenarios denied to support',
      () => support,
      'mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { deletedId } }',
      () => ({ id: data.scenarioId }),
      'FORBIDDEN',
    ],
    [
      'wrong current password',
      () => failingToken,
      'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }',
      () => ({ currentPassword: 'Not-the-one-1', newPassword: 'Brand-new-pass-1' }),
      'InputError',
    ],
  ];

  for (const [label, token, document, input, outcome] of attempts) {
    it(`${label} writes none`, async () => {
      const before = await snapshotAccount(server.database.db, failing.id);
      const result = await server.request<Record<string, { __typename?: string } | null>>(document, { input: input() }, { token: token() });
      const payload = Object.values(result.data ?? {})[0];
      const observed = payload?.__typename ?? result.errors?.[0]?.extensions?.code;
      expect(observed).toBe(outcome);
      expect(await snapshotAccount(server.database.db, failing.id)).toEqual(before);
    });
  }
});

describe('auditLog query', () => {
  let logged: AccountRow;
  let loggedToken: string;
  let subuser: SubuserRow;

  beforeAll(async () => {
    const db = server.database.db;
    logged = await seedAccount(db, 'logged');
    subuser = await seedSubuser(db, logged.id, ['ADMIN']);
    loggedToken = await logInAccount(server, logged);
    const subuserToken = await logInAs(server, logged, subuser);
    await mutate(loggedToken, CREATE_APPLICATION, { name: 'By main' });
    await mutate(subuserToken, CREATE_APPLICATION, { name: 'By admin' });
  });

  async function auditLogPage(variables: Record<string, unknown>) {
    const result = await server.request<{
      auditLog: { totalCount: number; edges: Array<{ cursor: string }>; nodes: Array<{ operation: string; subuserId: string | null; time: string }> };
    }>(
      `query ($filter: AuditLogFilter, $first: Int, $after: String) {
        auditLog(first: $first, after: $after, filter: $filter) { totalCount edges { cursor } nodes { operation subuserId time } }
      }`,
      variables,
      { token: loggedToken },
    );
    expect(result.errors).toBeUndefined();
    if (!result.data) throw new Error('auditLog returned no data');
    return result.data.auditLog;
  }

  it('lists every record newest first', async () => {
    const page = await auditLogPage({ first: 10 });
    // seedAccount signs up, seedSubuser creates, two logins, two created applications.
    expect(page.nodes.map((node) => node.operation)).toEqual([
      'CREATE_APPLICATION',
      'CREATE_APPLICATION',
      'LOG_IN_SUBUSER',
      'LOG_IN',
      'CREATE_SUBUSER',
      'SIGN_UP',
    ]);
    expect(page.totalCount).toBe(6);
  });

  it('pages with first and after', async () => {
    const first = await auditLogPage({ first: 4 });
    const second = await auditLogPage({ first: 4, after: first.edges.at(-1)?.cursor });
    expect(first.nodes).toHaveLength(4);
    expect(second.nodes.map((node) => node.operation)).toEqual(['CREATE_SUBUSER', 'SIGN_UP']);
    expect(second.totalCount).toBe(6);
  });

  it('filters by subuser', async () => {
    const page = await auditLogPage({ first: 10, filter: { subuserId: subuser.id } });
    expect(page.nodes.map((node) => [node.operation, node.subuserId])).toEqual([
      ['CREATE_APPLICATION', subuser.id],
      ['LOG_IN_SUBUSER', subuser.id],
    ]);
  });

  it('filters by main account', async () => {
    const page = await auditLogPage({ first: 10, filter: { mainAccount: true } });
    expect(page.nodes.map((node) => node.operation)).toEqual(['CREATE_APPLICATION', 'LOG_IN', 'CREATE_SUBUSER', 'SIGN_UP']);
    expect(page.nodes.every((node) => node.subuserId === null)).toBe(true);
  });

  it('filters by operation', async () => {
    const page = await auditLogPage({ first: 10, filter: { operations: ['LOG_IN', 'LOG_IN_SUBUSER'] } });
    expect(page.nodes.map((node) => node.operation)).toEqual(['LOG_IN_SUBUSER', 'LOG_IN']);
    expect(page.totalCount).toBe(2);
  });

  it('filters by time range', async () => {
    const all = await auditLogPage({ first: 10 });
    const times = all.nodes.map((node) => node.time);
    const newest = times[0] ?? '';
    const inRange = await auditLogPage({ first: 10, filter: { from: newest } });
    expect(inRange.nodes.every((node) => node.time >= newest)).toBe(true);
    expect(inRange.nodes.length).toBe(times.filter((time) => time >= newest).length);
    const before = await auditLogPage({ first: 10, filter: { to: newest } });
    expect(before.nodes.length).toBe(times.filter((time) => time < newest).length);
  });

  it('rejects a reversed time range', async () => {
    const result = await server.request(
      '{ auditLog(first: 1, filter: { from: "2030-01-01T00:00:00Z", to: "2020-01-01T00:00:00Z" }) { totalCount } }',
      {},
      { token: loggedToken },
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.to' });
  });

});
