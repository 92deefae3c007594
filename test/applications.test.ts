import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/password.js';
import { applications, applicationUsers, ruleScenarios, rules, scenarios, type AccountRow } from '../src/db/schema.js';
import { logInAccount, PASSWORD, seedAccount, uniqueName } from './helpers/fixtures.js';
import { scriptActor, seedApplication, snapshotAccount } from './helpers/panel.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createApplication } from '../src/domain/applications.js';
import { createScenario } from '../src/domain/scenarios.js';
import { createRule } from '../src/domain/rules.js';

let server: TestServer;
let account: AccountRow;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  account = await seedAccount(server.database.db, 'apps');
  token = await logInAccount(server, account);
});

afterAll(async () => {
  await server.close();
});

type Payload = Record<string, unknown> & { __typename: string };

async function call(document: string, input: Record<string, unknown>): Promise<Payload> {
  const result = await server.request<Record<string, Payload>>(document, { input }, { token });
  expect(result.errors).toBeUndefined();
  const payload = Object.values(result.data ?? {})[0];
  if (!payload) throw new Error(`no payload: ${JSON.stringify(result)}`);
  return payload;
}

const ERROR_FIELDS = '... on InputError { field message } ... on AlreadyExistsError { field message }';
// Rule mutations have no AlreadyExistsError in their result union.
const INPUT_ERROR_FIELDS = '... on InputError { field message }';

const CREATE_APPLICATION = `mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) { __typename ... on ApplicationPayload { application { id name } } ${ERROR_FIELDS} }
}`;
const CREATE_SCENARIO = `mutation ($input: CreateScenarioInput!) {
  createScenario(input: $input) { __typename ... on ScenarioPayload { scenario { id name sourceSize } } ${ERROR_FIELDS} }
}`;
const CREATE_RULE = `mutation ($input: CreateRuleInput!) {
  createRule(input: $input) { __typename ... on RulePayload { rule { id name position scenarioIds } } ${INPUT_ERROR_FIELDS} }
}`;
const UPDATE_RULE = `mutation ($input: UpdateRuleInput!) {
  updateRule(input: $input) { __typename ... on RulePayload { rule { id pattern excludePattern scenarioIds } } ${INPUT_ERROR_FIELDS} }
}`;
const REORDER_RULES = `mutation ($input: ReorderRulesInput!) {
  reorderRules(input: $input) { __typename ... on ReorderRulesPayload { rules { id position } } ${INPUT_ERROR_FIELDS} }
}`;
const CREATE_USER = `mutation ($input: CreateUserInput!) {
  createUser(input: $input) { __typename ... on UserPayload { user { id name balanceLimit active } } ${ERROR_FIELDS} }
}`;
const UPDATE_USER = `mutation ($input: UpdateUserInput!) {
  updateUser(input: $input) { __typename ... on UserPayload { user { id name balanceLimit active } } ${ERROR_FIELDS} }
}`;

async function newApplicationId(): Promise<string> {
  return (await createApplication(server.database.db, scriptActor(account.id), { name: uniqueName('App') })).id;
}

describe('application names', () => {
  const invalid: Array<[string, string]> = [
    ['empty', ''],
    ['blank', '   '],
    ['leading dash', '-sales'],
    ['slash', 'sales/eu'],
    ['non-ASCII letter', 'Ventas año'],
    ['65 characters', 'a'.repeat(65)],
  ];

  for (const [label, name] of invalid) {
    it(`rejects ${label}`, async () => {
      const before = await snapshotAccount(server.database.db, account.id);
      const payload = await call(CREATE_APPLICATION, { name });
      expect(payload.__typename).toBe('InputError');
      expect(payload.field).toBe('input.name');
      expect(payload.message).toMatch(/^Application name must be 1 to 64 characters/);
      expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
    });
  }

  it('accepts 64 characters and trims spaces', async () => {
    const name = `A${'b'.repeat(63)}`;
    const payload = await call(CREATE_APPLICATION, { name: `  ${name}  ` });
    expect(payload.__typename).toBe('ApplicationPayload');
    expect((payload.application as { name: string }).name).toBe(name);
  });

  it('rejects a duplicate ignoring case', async () => {
    const name = uniqueName('Support line');
    expect((await call(CREATE_APPLICATION, { name })).__typename).toBe('ApplicationPayload');
    const before = await snapshotAccount(server.database.db, account.id);
    const payload = await call(CREATE_APPLICATION, { name: name.toUpperCase() });
    expect(payload).toEqual({
      __typename: 'AlreadyExistsError',
      field: 'input.name',
      message: `An application named "${name.toUpperCase()}" already exists in this account (names ignore case).`,
    });
    expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
  });

  it('allows the same name in another account', async () => {
    const name = uniqueName('Shared name');
    expect((await call(CREATE_APPLICATION, { name })).__typename).toBe('ApplicationPayload');
    const other = await seedAccount(server.database.db, 'other');
    const application = await createApplication(server.database.db, scriptActor(other.id), { name });
    expect(application.name).toBe(name);
  });

  it('rejects a rename onto a taken name', async () => {
    const taken = uniqueName('Taken');
    await call(CREATE_APPLICATION, { name: taken });
    const id = await newApplicationId();
    const payload = await call(
      `mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename ${ERROR_FIELDS} } }`,
      { id, name: taken.toLowerCase() },
    );
    expect(payload.__typename).toBe('AlreadyExistsError');
    expect(payload.field).toBe('input.name');
  });

  it('rejects retention out of range', async () => {
    const id = await newApplicationId();
    const payload = await call(
      `mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename ${ERROR_FIELDS} } }`,
      { id, recordRetentionDays: 0 },
    );
    expect(payload).toEqual({
      __typename: 'InputError',
      field: 'input.recordRetentionDays',
      message: 'Record retention must be 1 to 3650 days.',
    });
  });
});

describe('applications list', () => {
  let listAccount: AccountRow;
  let listToken: string;

  beforeAll(async () => {
    listAccount = await seedAccount(server.database.db, 'list');
    listToken = await logInAccount(server, listAccount);
    for (const name of ['Charlie', 'alpha', 'Bravo', '100_sales', '100 sales']) {
      await createApplication(server.database.db, scriptActor(listAccount.id), { name });
    }
  });

  async function list(args: string): Promise<{ totalCount: number; names: string[]; endCursor: string; hasNextPage: boolean }> {
    const result = await server.request<{
      applications: { totalCount: number; nodes: Array<{ name: string }>; pageInfo: { endCursor: string; hasNextPage: boolean } };
    }>(`{ applications(${args}) { totalCount nodes { name } pageInfo { endCursor hasNextPage } } }`, {}, { token: listToken });
    expect(result.errors).toBeUndefined();
    const page = result.data?.applications;
    if (!page) throw new Error('no applications page');
    return { totalCount: page.totalCount, names: page.nodes.map((node) => node.name), ...page.pageInfo };
  }

  it('lists newest first by default', async () => {
    expect((await list('first: 10')).names).toEqual(['100 sales', '100_sales', 'Bravo', 'alpha', 'Charlie']);
  });

  it('orders by name and pages with after', async () => {
    const first = await list('first: 2, orderBy: NAME');
    const second = await list(`first: 10, orderBy: NAME, after: "${first.endCursor}"`);
    const all = [...first.names, ...second.names];
    expect(all).toHaveLength(5);
    expect(first.hasNextPage).toBe(true);
    expect(second.hasNextPage).toBe(false);
    // PostgreSQL's collation decides the order; it must match a plain ORDER BY name.
    const rows = await server.database.db
      .select({ name: applications.name })
      .from(applications)
      .where(eq(applications.accountId, listAccount.id))
      .orderBy(applications.name, applications.id);
    expect(all).toEqual(rows.map((row) => row.name));
  });

  it('filters by name ignoring case and LIKE wildcards', async () => {
    expect(await list('first: 10, nameContains: "ALPH"')).toMatchObject({ totalCount: 1, names: ['alpha'] });
    expect(await list('first: 10, nameContains: "0_s"')).toMatchObject({ totalCount: 1, names: ['100_sales'] });
    expect(await list('first: 10, nameContains: "%"')).toMatchObject({ totalCount: 0, names: [] });
  });

  it('rejects a page larger than 100', async () => {
    const result = await server.request('{ applications(first: 101) { totalCount } }', {}, { token: listToken });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('rejects a cursor from elsewhere', async () => {
    const result = await server.request('{ applications(first: 1, after: "bm9wZQ") { totalCount } }', {}, { token: listToken });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('scenarios', () => {
  it('accepts exactly 128 KiB of source', async () => {
    const applicationId = await newApplicationId();
    const payload = await call(CREATE_SCENARIO, { applicationId, name: 'Big', source: 'x'.repeat(128 * 1024) });
    expect(payload.__typename).toBe('ScenarioPayload');
    expect((payload.scenario as { sourceSize: number }).sourceSize).toBe(131072);
  });

  it('rejects one byte more, counting UTF-8 bytes', async () => {
    const applicationId = await newApplicationId();
    const before = await snapshotAccount(server.database.db, account.id);
    // 'é' is two bytes in UTF-8: 65,536 characters make 131,072 bytes, plus one byte.
    const payload = await call(CREATE_SCENARIO, { applicationId, name: 'Too big', source: `${'é'.repeat(65536)}x` });
    expect(payload).toEqual({
      __typename: 'InputError',
      field: 'input.source',
      message: 'Source must be at most 131072 bytes (128 KiB) of UTF-8.',
    });
    expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
  });

  it('rejects a duplicate name in one application', async () => {
    const applicationId = await newApplicationId();
    await call(CREATE_SCENARIO, { applicationId, name: 'Main', source: '' });
    const payload = await call(CREATE_SCENARIO, { applicationId, name: 'MAIN', source: '' });
    expect(payload.__typename).toBe('AlreadyExistsError');
    expect(payload.field).toBe('input.name');
  });

  it('leaves rules when deleted but drops it from them', async () => {
    const seeded = await seedApplication(server.database.db, account.id);
    await call(`mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { deletedId } }`, { id: seeded.scenarioId });
    const [rule] = await server.database.db.select().from(rules).where(eq(rules.id, seeded.ruleId));
    expect(rule?.id).toBe(seeded.ruleId);
    expect(await server.database.db.select().from(ruleScenarios).where(eq(ruleScenarios.ruleId, seeded.ruleId))).toEqual([]);
  });
});

describe('rules', () => {
  it('rejects an invalid pattern', async () => {
    const applicationId = await newApplicationId();
    const before = await snapshotAccount(server.database.db, account.id);
    const payload = await call(CREATE_RULE, { applicationId, name: 'Broken', pattern: '(unclosed', scenarioIds: [] });
    expect(payload.__typename).toBe('InputError');
    expect(payload.field).toBe('input.pattern');
    expect(payload.message).toMatch(/^Pattern is not a valid regular expression: /);
    expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
  });

  it('rejects an invalid exclude pattern', async () => {
    const applicationId = await newApplicationId();
    const payload = await call(CREATE_RULE, { applicationId, name: 'Broken', pattern: '.*', excludePattern: '*', scenarioIds: [] });
    expect(payload.__typename).toBe('InputError');
    expect(payload.field).toBe('input.excludePattern');
  });

  it("rejects a scenario of another application in the account", async () => {
    const first = await seedApplication(server.database.db, account.id);
    const second = await seedApplication(server.database.db, account.id);
    const before = await snapshotAccount(server.database.db, account.id);
    const payload = await call(UPDATE_RULE, { id: first.ruleId, pattern: '^1', scenarioIds: [second.scenarioId] });
    expect(payload).toEqual({
      __typename: 'InputError',
      field: 'input.scenarioIds',
      message: `Scenario ${second.scenarioId} is not a scenario of this rule's application.`,
    });
    expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
  });

  it('rejects a scenario listed twice', async () => {
    const seeded = await seedApplication(server.database.db, account.id);
    for (const second of [seeded.scenarioId, seeded.scenarioId.toUpperCase()]) {
      const payload = await call(UPDATE_RULE, { id: seeded.ruleId, scenarioIds: [seeded.scenarioId, second] });
      expect(payload).toEqual({ __typename: 'InputError', field: 'input.scenarioIds', message: 'A scenario may appear only once in a rule.' });
    }
  });

  it('keeps scenario order and clears the exclude pattern', async () => {
    const applicationId = await newApplicationId();
    const actor = scriptActor(account.id);
    const one = await createScenario(server.database.db, actor, applicationId, { name: 'One', source: '' });
    const two = await createScenario(server.database.db, actor, applicationId, { name: 'Two', source: '' });
    if (!one || !two) throw new Error('scenario fixtures failed');
    const created = await call(CREATE_RULE, {
      applicationId,
      name: 'Ordered',
      pattern: '.*',
      excludePattern: '^0',
      scenarioIds: [two.id, one.id],
    });
    const ruleId = (created.rule as { id: string }).id;
    expect((created.rule as { scenarioIds: string[] }).scenarioIds).toEqual([two.id, one.id]);
    const updated = await call(UPDATE_RULE, { id: ruleId, excludePattern: '' });
    expect(updated.rule).toEqual({ id: ruleId, pattern: '.*', excludePattern: null, scenarioIds: [two.id, one.id] });
  });

  it('inserts at a position and closes gaps on delete', async () => {
    const applicationId = await newApplicationId();
    const a = await call(CREATE_RULE, { applicationId, name: 'A', pattern: 'a', scenarioIds: [] });
    const b = await call(CREATE_RULE, { applicationId, name: 'B', pattern: 'b', scenarioIds: [] });
    const c = await call(CREATE_RULE, { applicationId, name: 'C', pattern: 'c', scenarioIds: [], position: 0 });
    const ids = [c, a, b].map((payload) => (payload.rule as { id: string }).id);

    const order = async () =>
      (await server.database.db.select().from(rules).where(eq(rules.applicationId, applicationId)).orderBy(rules.position)).map(
        (rule) => [rule.name, rule.position],
      );
    expect(await order()).toEqual([
      ['C', 0],
      ['A', 1],
      ['B', 2],
    ]);

    await call(`mutation ($input: DeleteRuleInput!) { deleteRule(input: $input) { deletedId } }`, { id: ids[1] });
    expect(await order()).toEqual([
      ['C', 0],
      ['B', 1],
    ]);
  });

  it('rejects a position past the end', async () => {
    const applicationId = await newApplicationId();
    const payload = await call(CREATE_RULE, { applicationId, name: 'Far', pattern: '.', scenarioIds: [], position: 1 });
    expect(payload).toEqual({
      __typename: 'InputError',
      field: 'input.position',
      message: 'Position must be 0 to 0: the application has 0 rules.',
    });
  });

  describe('reorderRules', () => {
    let applicationId: string;
    let ruleIds: string[];

    beforeAll(async () => {
      applicationId = await newApplicationId();
      const actor = scriptActor(account.id);
      ruleIds = [];
      for (const name of ['First', 'Second', 'Third']) {
        const rule = await createRule(server.database.db, actor, applicationId, { name, pattern: '.', scenarioIds: [] });
        if (!rule) throw new Error('rule fixture failed');
        ruleIds.push(rule.id);
      }
    });

    it('accepts IDs in upper case', async () => {
      const payload = await call(REORDER_RULES, { applicationId: applicationId.toUpperCase(), ruleIds: ruleIds.map((id) => id.toUpperCase()) });
      expect(payload).toEqual({
        __typename: 'ReorderRulesPayload',
        rules: ruleIds.map((id, position) => ({ id, position })),
      });
    });

    it('applies the full order', async () => {
      const [first, second, third] = ruleIds;
      const payload = await call(REORDER_RULES, { applicationId, ruleIds: [third, first, second] });
      expect(payload).toEqual({
        __typename: 'ReorderRulesPayload',
        rules: [
          { id: third, position: 0 },
          { id: first, position: 1 },
          { id: second, position: 2 },
        ],
      });
    });

    const invalid: Array<[string, (ids: string[]) => string[], string]> = [
      ['a missing rule', (ids) => ids.slice(0, 2), 'List every rule of the application exactly once: it has 3 rules and the list names 2.'],
      ['a repeated rule', (ids) => [ids[0] ?? '', ids[0] ?? '', ids[1] ?? ''], 'Each rule may appear only once.'],
      ['a malformed ID', (ids) => [...ids.slice(0, 2), 'nope'], 'Rule nope is not a rule of this application.'],
    ];

    for (const [label, build, message] of invalid) {
      it(`rejects ${label}`, async () => {
        const before = await snapshotAccount(server.database.db, account.id);
        const payload = await call(REORDER_RULES, { applicationId, ruleIds: build(ruleIds) });
        expect(payload).toEqual({ __typename: 'InputError', field: 'input.ruleIds', message });
        expect(await snapshotAccount(server.database.db, account.id)).toEqual(before);
      });
    }
  });
});

describe('users', () => {
  it('stores a hash of the password, never the password', async () => {
    const applicationId = await newApplicationId();
    const payload = await call(CREATE_USER, { applicationId, name: 'Agent.Smith', displayName: 'Agent Smith', password: PASSWORD });
    const user = payload.user as { id: string; name: string };
    expect(payload.user).toEqual({ id: user.id, name: 'agent.smith', balanceLimit: null, active: true });
    const [row] = await server.database.db.select().from(applicationUsers).where(eq(applicationUsers.id, user.id));
    expect(row?.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(row?.passwordHash ?? '', PASSWORD)).toBe(true);
  });

  it('applies the password policy', async () => {
    const applicationId = await newApplicationId();
    const payload = await call(CREATE_USER, { applicationId, name: 'weak', displayName: 'Weak', password: 'alllowercase1!' });
    expect(payload).toEqual({
      __typename: 'InputError',
      field: 'input.password',
      message: 'Password must contain an upper-case letter.',
    });
  });

  const limits: Array<[string, string | null]> = [
    ['0', '0.00'],
    ['99.5', '99.50'],
    ['999999999999.99', '999999999999.99'],
  ];
  for (const [given, stored] of limits) {
    it(`stores balance limit ${given} as ${stored}`, async () => {
      const applicationId = await newApplicationId();
      const payload = await call(CREATE_USER, { applicationId, name: 'limited', displayName: 'Limited', password: PASSWORD, balanceLimit: given });
      expect((payload.user as { balanceLimit: string }).balanceLimit).toBe(stored);
    });
  }

  for (const invalid of ['-1', '1.234', 'ten', '1e3', '1000000000000']) {
    it(`rejects balance limit ${invalid}`, async () => {
      const applicationId = await newApplicationId();
      const payload = await call(CREATE_USER, { applicationId, name: 'limited', displayName: 'Limited', password: PASSWORD, balanceLimit: invalid });
      expect(payload.__typename).toBe('InputError');
      expect(payload.field).toBe('input.balanceLimit');
    });
  }

  it('clears the balance limit with an empty string', async () => {
    const seeded = await seedApplication(server.database.db, account.id);
    const payload = await call(UPDATE_USER, { id: seeded.userId, balanceLimit: '', active: false });
    expect(payload.user).toEqual({ id: seeded.userId, name: 'agent-1', balanceLimit: null, active: false });
  });

  it('rejects a duplicate name in one application', async () => {
    const seeded = await seedApplication(server.database.db, account.id);
    const payload = await call(CREATE_USER, {
      applicationId: seeded.applicationId,
      name: 'AGENT-1',
      displayName: 'Again',
      password: PASSWORD,
    });
    expect(payload).toEqual({
      __typename: 'AlreadyExistsError',
      field: 'input.name',
      message: 'The user name "agent-1" is already taken in this application.',
    });
  });
});

describe('deleteApplication', () => {
  it('removes scenarios, rules and users with it', async () => {
    const seeded = await seedApplication(server.database.db, account.id);
    const payload = await call(`mutation ($input: DeleteApplicationInput!) { deleteApplication(input: $input) { deletedId } }`, {
      id: seeded.applicationId,
    });
    expect(payload).toEqual({ deletedId: seeded.applicationId });
    const db = server.database.db;
    expect(await db.select().from(scenarios).where(eq(scenarios.applicationId, seeded.applicationId))).toEqual([]);
    expect(await db.select().from(rules).where(eq(rules.applicationId, seeded.applicationId))).toEqual([]);
    expect(await db.select().from(ruleScenarios).where(eq(ruleScenarios.applicationId, seeded.applicationId))).toEqual([]);
    expect(await db.select().from(applicationUsers).where(eq(applicationUsers.applicationId, seeded.applicationId))).toEqual([]);
  });
});
