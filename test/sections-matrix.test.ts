import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/access/matrix.js';
import type { AccountRow } from '../src/db/schema.js';
import { applications, applicationUsers, rules, scenarios } from '../src/db/schema.js';
import { createApplication } from '../src/domain/applications.js';
import { createApplicationUser } from '../src/domain/application-users.js';
import { createRule } from '../src/domain/rules.js';
import { createScenario } from '../src/domain/scenarios.js';
import { logInAccount, logInAs, PASSWORD, seedAccount, seedSubuser, uniqueName } from './helpers/fixtures.js';
import { errorSummaries, scriptActor, seedApplication, snapshotAccount, SOURCE, type SeededApplication } from './helpers/panel.js';
import { startTestServer, type GraphQLResult, type TestServer } from './helpers/server.js';

// The expected access matrix, written out here rather than imported, so a change to the matrix in
// src must be mirrored by a change to this table. MAIN is the main account.
type Principal = 'MAIN' | Role;
type Section = 'APPLICATIONS' | 'APPLICATION' | 'SCENARIOS' | 'RULES' | 'USERS' | 'LOGS';

const ALLOWED: Record<Section, readonly Principal[]> = {
  APPLICATIONS: ['MAIN', 'OWNER', 'ADMIN', 'DEVELOPER', 'SUPERVISOR', 'SUPPORT', 'ACCOUNTANT', 'CALL_LIST_MANAGER', 'USER_MANAGER'],
  APPLICATION: ['MAIN', 'OWNER', 'ADMIN', 'DEVELOPER', 'SUPERVISOR', 'SUPPORT', 'ACCOUNTANT'],
  SCENARIOS: ['MAIN', 'OWNER', 'ADMIN', 'DEVELOPER'],
  RULES: ['MAIN', 'OWNER', 'ADMIN', 'DEVELOPER'],
  USERS: ['MAIN', 'OWNER', 'ADMIN', 'USER_MANAGER'],
  LOGS: ['MAIN', 'OWNER'],
};

const PRINCIPALS: readonly Principal[] = [
  'MAIN',
  'OWNER',
  'ADMIN',
  'DEVELOPER',
  'SUPERVISOR',
  'SUPPORT',
  'ACCOUNTANT',
  'CALL_LIST_MANAGER',
  'USER_MANAGER',
  'PHONE_NUMBER_MANAGER',
  'PAYER',
  'PAYER_NO_VERIFY',
];

const allows = (principal: Principal, section: Section) => ALLOWED[section].includes(principal);

let server: TestServer;
let account: AccountRow;
let fixed: SeededApplication;
let fixedName: string;
// Allowed mutations change this application, so the fixed one keeps the data the queries expect.
let workApplicationId: string;
const tokens = new Map<Principal, string>();

function tokenOf(principal: Principal): string {
  const token = tokens.get(principal);
  if (!token) throw new Error(`no session for ${principal}`);
  return token;
}

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  account = await seedAccount(db, 'matrix');
  fixedName = uniqueName('Matrix fixed');
  fixed = await seedApplication(db, account.id, fixedName);
  workApplicationId = (await createApplication(db, scriptActor(account.id), { name: uniqueName('Matrix work') })).id;
  tokens.set('MAIN', await logInAccount(server, account));
  for (const principal of PRINCIPALS) {
    if (principal === 'MAIN') continue;
    const subuser = await seedSubuser(db, account.id, [principal], principal.toLowerCase().replaceAll('_', '-'));
    tokens.set(principal, await logInAs(server, account, subuser));
  }
});

afterAll(async () => {
  await server.close();
});

function forbidden(section: Section, path: string) {
  return { code: 'FORBIDDEN', section, path };
}

const byPath = (left: { path: string | undefined }, right: { path: string | undefined }) =>
  (left.path ?? '').localeCompare(right.path ?? '');

// Queries

const PAGE = `query ($name: String) {
  applications(first: 5, nameContains: $name) {
    totalCount
    nodes {
      id name createdAt updatedAt description recordCalls recordRetentionDays
      scenarios { totalCount nodes { id applicationId name source sourceSize createdAt updatedAt } }
      rules { totalCount nodes { id applicationId name pattern excludePattern scenarioIds position createdAt updatedAt } }
      users { totalCount nodes { id applicationId name displayName active balanceLimit createdAt updatedAt } }
    }
  }
}`;

/** Reads the fixed application from the database, shaped as each list shows it. */
async function expectedFixedApplication() {
  const db = server.database.db;
  const [app] = await db.select().from(applications).where(eq(applications.id, fixed.applicationId));
  const [scenario] = await db.select().from(scenarios).where(eq(scenarios.id, fixed.scenarioId));
  const [rule] = await db.select().from(rules).where(eq(rules.id, fixed.ruleId));
  const [user] = await db.select().from(applicationUsers).where(eq(applicationUsers.id, fixed.userId));
  if (!app || !scenario || !rule || !user) throw new Error('fixed application rows are missing');
  return {
    base: { id: app.id, name: fixedName, createdAt: app.createdAt.toISOString(), updatedAt: app.updatedAt.toISOString() },
    settings: { description: null, recordCalls: false, recordRetentionDays: 90 },
    scenarios: {
      totalCount: 1,
      nodes: [
        {
          id: scenario.id,
          applicationId: app.id,
          name: 'Greeting',
          source: SOURCE,
          sourceSize: Buffer.byteLength(SOURCE),
          createdAt: scenario.createdAt.toISOString(),
          updatedAt: scenario.updatedAt.toISOString(),
        },
      ],
    },
    rules: {
      totalCount: 1,
      nodes: [
        {
          id: rule.id,
          applicationId: app.id,
          name: 'All calls',
          pattern: '.*',
          excludePattern: null,
          scenarioIds: [scenario.id],
          position: 0,
          createdAt: rule.createdAt.toISOString(),
          updatedAt: rule.updatedAt.toISOString(),
        },
      ],
    },
    users: {
      totalCount: 1,
      nodes: [
        {
          id: user.id,
          applicationId: app.id,
          name: 'agent-1',
          displayName: 'Agent One',
          active: true,
          balanceLimit: '25.50',
          createdAt: user.createdAt.toISOString(),
          updatedAt: user.updatedAt.toISOString(),
        },
      ],
    },
  };
}

interface QueryCase {
  name: string;
  section: Section;
  query: () => { document: string; variables: Record<string, unknown>; field: string };
  expected: () => Promise<unknown>;
}

const QUERY_CASES: QueryCase[] = [
  {
    name: 'application(id)',
    section: 'APPLICATION',
    query: () => ({
      document: `query ($id: ID!) { application(id: $id) { id name description recordCalls recordRetentionDays } }`,
      variables: { id: fixed.applicationId },
      field: 'application',
    }),
    expected: async () => {
      const app = await expectedFixedApplication();
      return { id: app.base.id, name: app.base.name, ...app.settings };
    },
  },
  {
    name: 'scenario(id)',
    section: 'SCENARIOS',
    query: () => ({
      document: `query ($id: ID!) { scenario(id: $id) { id applicationId name source sourceSize createdAt updatedAt } }`,
      variables: { id: fixed.scenarioId },
      field: 'scenario',
    }),
    expected: async () => (await expectedFixedApplication()).scenarios.nodes[0],
  },
  {
    name: 'rule(id)',
    section: 'RULES',
    query: () => ({
      document: `query ($id: ID!) { rule(id: $id) { id applicationId name pattern excludePattern scenarioIds position createdAt updatedAt } }`,
      variables: { id: fixed.ruleId },
      field: 'rule',
    }),
    expected: async () => (await expectedFixedApplication()).rules.nodes[0],
  },
  {
    name: 'user(id)',
    section: 'USERS',
    query: () => ({
      document: `query ($id: ID!) { user(id: $id) { id applicationId name displayName active balanceLimit createdAt updatedAt } }`,
      variables: { id: fixed.userId },
      field: 'user',
    }),
    expected: async () => (await expectedFixedApplication()).users.nodes[0],
  },
  {
    name: 'auditLog',
    section: 'LOGS',
    query: () => ({
      document: `{ auditLog(first: 5, filter: { operations: [SIGN_UP] }) {
        totalCount
        nodes { operation succeeded subuserId attemptedLogin targetType targetId clientIp changedFields }
      } }`,
      variables: {},
      field: 'auditLog',
    }),
    expected: async () => ({
      totalCount: 1,
      nodes: [
        {
          operation: 'SIGN_UP',
          succeeded: true,
          subuserId: null,
          attemptedLogin: null,
          targetType: 'ACCOUNT',
          targetId: account.id,
          clientIp: null,
          changedFields: null,
        },
      ],
    }),
  },
];

// Mutations

interface MutationCase {
  name: string;
  section: Section;
  /** Creates what the mutation acts on and returns its variables. */
  prepare: (principal: Principal) => Promise<Record<string, unknown>>;
  document: string;
  field: string;
  /** Checks the payload and the database after an allowed call. */
  verify: (payload: Record<string, unknown>, variables: Record<string, unknown>) => Promise<void>;
}

const actor = () => scriptActor(account.id);

async function newApplication(): Promise<string> {
  return (await createApplication(server.database.db, actor(), { name: uniqueName('Target') })).id;
}

async function newScenario(applicationId: string): Promise<string> {
  const row = await createScenario(server.database.db, actor(), applicationId, { name: uniqueName('Scenario'), source: SOURCE });
  if (!row) throw new Error('scenario fixture failed');
  return row.id;
}

async function newRule(applicationId: string, scenarioIds: string[] = []): Promise<string> {
  const row = await createRule(server.database.db, actor(), applicationId, { name: 'Rule', pattern: '^1', scenarioIds });
  if (!row) throw new Error('rule fixture failed');
  return row.id;
}

async function newUser(applicationId: string): Promise<string> {
  const row = await createApplicationUser(server.database.db, actor(), applicationId, {
    name: uniqueName('user'),
    displayName: 'Target user',
    password: PASSWORD,
  });
  if (!row) throw new Error('user fixture failed');
  return row.id;
}

function input(variables: Record<string, unknown>): Record<string, unknown> {
  return variables.input as Record<string, unknown>;
}

const MUTATION_CASES: MutationCase[] = [
  {
    name: 'createApplication',
    section: 'APPLICATIONS',
    prepare: async (principal) => ({ input: { name: `Created by ${principal.toLowerCase()}` } }),
    document: `mutation ($input: CreateApplicationInput!) {
      createApplication(input: $input) { __typename ... on ApplicationPayload { application { id name } } }
    }`,
    field: 'createApplication',
    verify: async (payload, variables) => {
      const application = payload.application as { id: string; name: string };
      expect(payload.__typename).toBe('ApplicationPayload');
      expect(application.name).toBe(input(variables).name);
      const [row] = await server.database.db.select().from(applications).where(eq(applications.id, application.id));
      expect(row?.accountId).toBe(account.id);
    },
  },
  {
    name: 'updateApplication',
    section: 'APPLICATION',
    prepare: async () => ({ input: { id: await newApplication(), description: 'Support line', recordCalls: true, recordRetentionDays: 30 } }),
    document: `mutation ($input: UpdateApplicationInput!) {
      updateApplication(input: $input) {
        __typename ... on ApplicationPayload { application { id description recordCalls recordRetentionDays } }
      }
    }`,
    field: 'updateApplication',
    verify: async (payload, variables) => {
      expect(payload).toEqual({
        __typename: 'ApplicationPayload',
        application: { id: input(variables).id, description: 'Support line', recordCalls: true, recordRetentionDays: 30 },
      });
      const [row] = await server.database.db.select().from(applications).where(eq(applications.id, String(input(variables).id)));
      expect(row?.recordRetentionDays).toBe(30);
    },
  },
  {
    name: 'deleteApplication',
    section: 'APPLICATION',
    prepare: async () => ({ input: { id: await newApplication() } }),
    document: `mutation ($input: DeleteApplicationInput!) { deleteApplication(input: $input) { deletedId } }`,
    field: 'deleteApplication',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ deletedId: input(variables).id });
      const rows = await server.database.db.select().from(applications).where(eq(applications.id, String(input(variables).id)));
      expect(rows).toEqual([]);
    },
  },
  {
    name: 'createScenario',
    section: 'SCENARIOS',
    prepare: async () => ({ input: { applicationId: workApplicationId, name: uniqueName('Created'), source: 'VoxEngine.terminate();' } }),
    document: `mutation ($input: CreateScenarioInput!) {
      createScenario(input: $input) { __typename ... on ScenarioPayload { scenario { id applicationId name source } } }
    }`,
    field: 'createScenario',
    verify: async (payload, variables) => {
      const scenario = payload.scenario as { id: string };
      expect(payload).toEqual({
        __typename: 'ScenarioPayload',
        scenario: { id: scenario.id, applicationId: workApplicationId, name: input(variables).name, source: 'VoxEngine.terminate();' },
      });
      await server.database.db.delete(scenarios).where(eq(scenarios.id, scenario.id));
    },
  },
  {
    name: 'updateScenario',
    section: 'SCENARIOS',
    prepare: async () => ({ input: { id: await newScenario(workApplicationId), source: 'VoxEngine.terminate(); // v2' } }),
    document: `mutation ($input: UpdateScenarioInput!) {
      updateScenario(input: $input) { __typename ... on ScenarioPayload { scenario { id source } } }
    }`,
    field: 'updateScenario',
    verify: async (payload, variables) => {
      expect(payload).toEqual({
        __typename: 'ScenarioPayload',
        scenario: { id: input(variables).id, source: 'VoxEngine.terminate(); // v2' },
      });
    },
  },
  {
    name: 'deleteScenario',
    section: 'SCENARIOS',
    prepare: async () => ({ input: { id: await newScenario(workApplicationId) } }),
    document: `mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { deletedId } }`,
    field: 'deleteScenario',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ deletedId: input(variables).id });
      const rows = await server.database.db.select().from(scenarios).where(eq(scenarios.id, String(input(variables).id)));
      expect(rows).toEqual([]);
    },
  },
  {
    name: 'createRule',
    section: 'RULES',
    prepare: async () => ({
      input: { applicationId: await newApplication(), name: 'Inbound', pattern: '^\\+44', scenarioIds: [] },
    }),
    document: `mutation ($input: CreateRuleInput!) {
      createRule(input: $input) { __typename ... on RulePayload { rule { applicationId name pattern position scenarioIds } } }
    }`,
    field: 'createRule',
    verify: async (payload, variables) => {
      expect(payload).toEqual({
        __typename: 'RulePayload',
        rule: { applicationId: input(variables).applicationId, name: 'Inbound', pattern: '^\\+44', position: 0, scenarioIds: [] },
      });
    },
  },
  {
    name: 'updateRule',
    section: 'RULES',
    prepare: async () => {
      const applicationId = await newApplication();
      return { input: { id: await newRule(applicationId), pattern: '^\\+49' } };
    },
    document: `mutation ($input: UpdateRuleInput!) { updateRule(input: $input) { __typename ... on RulePayload { rule { id pattern } } } }`,
    field: 'updateRule',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ __typename: 'RulePayload', rule: { id: input(variables).id, pattern: '^\\+49' } });
    },
  },
  {
    name: 'deleteRule',
    section: 'RULES',
    prepare: async () => ({ input: { id: await newRule(await newApplication()) } }),
    document: `mutation ($input: DeleteRuleInput!) { deleteRule(input: $input) { deletedId } }`,
    field: 'deleteRule',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ deletedId: input(variables).id });
      const rows = await server.database.db.select().from(rules).where(eq(rules.id, String(input(variables).id)));
      expect(rows).toEqual([]);
    },
  },
  {
    name: 'reorderRules',
    section: 'RULES',
    prepare: async () => {
      const applicationId = await newApplication();
      const first = await newRule(applicationId);
      const second = await newRule(applicationId);
      return { input: { applicationId, ruleIds: [second, first] } };
    },
    document: `mutation ($input: ReorderRulesInput!) {
      reorderRules(input: $input) { __typename ... on ReorderRulesPayload { rules { id position } } }
    }`,
    field: 'reorderRules',
    verify: async (payload, variables) => {
      const [second, first] = input(variables).ruleIds as string[];
      expect(payload).toEqual({
        __typename: 'ReorderRulesPayload',
        rules: [
          { id: second, position: 0 },
          { id: first, position: 1 },
        ],
      });
    },
  },
  {
    name: 'createUser',
    section: 'USERS',
    prepare: async () => ({
      input: { applicationId: workApplicationId, name: uniqueName('caller'), displayName: 'Caller', password: PASSWORD },
    }),
    document: `mutation ($input: CreateUserInput!) {
      createUser(input: $input) { __typename ... on UserPayload { user { id name displayName active balanceLimit } } }
    }`,
    field: 'createUser',
    verify: async (payload, variables) => {
      const user = payload.user as { id: string };
      expect(payload).toEqual({
        __typename: 'UserPayload',
        user: { id: user.id, name: input(variables).name, displayName: 'Caller', active: true, balanceLimit: null },
      });
      await server.database.db.delete(applicationUsers).where(eq(applicationUsers.id, user.id));
    },
  },
  {
    name: 'updateUser',
    section: 'USERS',
    prepare: async () => ({ input: { id: await newUser(workApplicationId), active: false, balanceLimit: '10' } }),
    document: `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { __typename ... on UserPayload { user { id active balanceLimit } } } }`,
    field: 'updateUser',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ __typename: 'UserPayload', user: { id: input(variables).id, active: false, balanceLimit: '10.00' } });
    },
  },
  {
    name: 'deleteUser',
    section: 'USERS',
    prepare: async () => ({ input: { id: await newUser(workApplicationId) } }),
    document: `mutation ($input: DeleteUserInput!) { deleteUser(input: $input) { deletedId } }`,
    field: 'deleteUser',
    verify: async (payload, variables) => {
      expect(payload).toEqual({ deletedId: input(variables).id });
      const rows = await server.database.db.select().from(applicationUsers).where(eq(applicationUsers.id, String(input(variables).id)));
      expect(rows).toEqual([]);
    },
  },
];

describe.each(PRINCIPALS)('sections of %s', (principal) => {
  it('applications page mixes allowed and denied parts', async () => {
    const result = await server.request<{ applications: { totalCount: number; nodes: Array<Record<string, unknown>> } | null }>(
      PAGE,
      { name: fixedName },
      { token: tokenOf(principal) },
    );

    if (!allows(principal, 'APPLICATIONS')) {
      expect(result.data?.applications).toBeNull();
      expect(errorSummaries(result)).toEqual([forbidden('APPLICATIONS', 'applications')]);
      return;
    }

    const expected = await expectedFixedApplication();
    const node = {
      ...expected.base,
      ...(allows(principal, 'APPLICATION') ? expected.settings : { description: null, recordCalls: null, recordRetentionDays: null }),
      scenarios: allows(principal, 'SCENARIOS') ? expected.scenarios : null,
      rules: allows(principal, 'RULES') ? expected.rules : null,
      users: allows(principal, 'USERS') ? expected.users : null,
    };
    expect(result.data).toEqual({ applications: { totalCount: 1, nodes: [node] } });

    const denied = [];
    if (!allows(principal, 'APPLICATION')) {
      for (const field of ['description', 'recordCalls', 'recordRetentionDays']) {
        denied.push(forbidden('APPLICATION', `applications.nodes.0.${field}`));
      }
    }
    for (const [field, section] of [
      ['scenarios', 'SCENARIOS'],
      ['rules', 'RULES'],
      ['users', 'USERS'],
    ] as const) {
      if (!allows(principal, section)) denied.push(forbidden(section, `applications.nodes.0.${field}`));
    }
    expect(errorSummaries(result).sort(byPath)).toEqual(denied.sort(byPath));
  });

  for (const queryCase of QUERY_CASES) {
    const allowed = allows(principal, queryCase.section);
    it(`${queryCase.name} is ${allowed ? 'allowed' : 'denied'}`, async () => {
      const { document, variables, field } = queryCase.query();
      const result = await server.request<Record<string, unknown>>(document, variables, { token: tokenOf(principal) });
      if (allowed) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.[field]).toEqual(await queryCase.expected());
      } else {
        expect(result.data?.[field]).toBeNull();
        expect(errorSummaries(result)).toEqual([forbidden(queryCase.section, field)]);
      }
    });
  }

  for (const mutationCase of MUTATION_CASES) {
    const allowed = allows(principal, mutationCase.section);
    it(`${mutationCase.name} is ${allowed ? 'allowed' : 'denied'}`, async () => {
      const variables = await mutationCase.prepare(principal);
      const before = await snapshotAccount(server.database.db, account.id);
      const result: GraphQLResult<Record<string, Record<string, unknown> | null>> = await server.request(
        mutationCase.document,
        variables,
        { token: tokenOf(principal) },
      );
      if (allowed) {
        expect(result.errors).toBeUndefined();
        const payload = result.data?.[mutationCase.field];
        if (!payload) throw new Error(`${mutationCase.field} returned no payload`);
        await mutationCase.verify(payload, variables);
      } else {
        expect(result.data?.[mutationCase.field]).toBeNull();
        expect(errorSummaries(result)).toEqual([forbidden(mutationCase.section, mutationCase.field)]);
        expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
      }
    });
  }
});
