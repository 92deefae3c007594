import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRow } from '../src/db/schema.js';
import { logInAccount, PASSWORD, seedAccount, seedSubuser } from './helpers/fixtures.js';
import { errorSummaries, seedApplication, snapshotAccount, type SeededApplication } from './helpers/panel.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let owner: AccountRow;
let ownerData: SeededApplication;
let intruder: AccountRow;
let intruderData: SeededApplication;
let intruderToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  owner = await seedAccount(db, 'owner');
  ownerData = await seedApplication(db, owner.id);
  intruder = await seedAccount(db, 'intruder');
  intruderData = await seedApplication(db, intruder.id);
  intruderToken = await logInAccount(server, intruder);
});

afterAll(async () => {
  await server.close();
});

type IdKind = 'application' | 'scenario' | 'rule' | 'user';

const TYPE_NAMES: Record<IdKind, string> = { application: 'Application', scenario: 'Scenario', rule: 'Rule', user: 'User' };

function ownerId(kind: IdKind): string {
  const ids: Record<IdKind, string> = {
    application: ownerData.applicationId,
    scenario: ownerData.scenarioId,
    rule: ownerData.ruleId,
    user: ownerData.userId,
  };
  return ids[kind];
}

interface IdCase {
  name: string;
  kind: IdKind;
  document: string;
  field: string;
  variables: (id: string) => Record<string, unknown>;
}

const CASES: IdCase[] = [
  { name: 'application query', kind: 'application', field: 'application', document: 'query ($id: ID!) { application(id: $id) { id } }', variables: (id) => ({ id }) },
  { name: 'scenario query', kind: 'scenario', field: 'scenario', document: 'query ($id: ID!) { scenario(id: $id) { id } }', variables: (id) => ({ id }) },
  { name: 'rule query', kind: 'rule', field: 'rule', document: 'query ($id: ID!) { rule(id: $id) { id } }', variables: (id) => ({ id }) },
  { name: 'user query', kind: 'user', field: 'user', document: 'query ($id: ID!) { user(id: $id) { id } }', variables: (id) => ({ id }) },
  {
    name: 'updateApplication',
    kind: 'application',
    field: 'updateApplication',
    document: 'mutation ($input: UpdateApplicationInput!) { updateApplication(input: $input) { __typename } }',
    variables: (id) => ({ input: { id, name: 'Taken over' } }),
  },
  {
    name: 'deleteApplication',
    kind: 'application',
    field: 'deleteApplication',
    document: 'mutation ($input: DeleteApplicationInput!) { deleteApplication(input: $input) { deletedId } }',
    variables: (id) => ({ input: { id } }),
  },
  {
    name: 'createScenario',
    kind: 'application',
    field: 'createScenario',
    document: 'mutation ($input: CreateScenarioInput!) { createScenario(input: $input) { __typename } }',
    variables: (id) => ({ input: { applicationId: id, name: 'Planted', source: 'VoxEngine.terminate();' } }),
  },
  {
    name: 'updateScenario',
    kind: 'scenario',
    field: 'updateScenario',
    document: 'mutation ($input: UpdateScenarioInput!) { updateScenario(input: $input) { __typename } }',
    variables: (id) => ({ input: { id, source: 'VoxEngine.terminate();' } }),
  },
  {
    name: 'deleteScenario',
    kind: 'scenario',
    field: 'deleteScenario',
    document: 'mutation ($input: DeleteScenarioInput!) { deleteScenario(input: $input) { deletedId } }',
    variables: (id) => ({ input: { id } }),
  },
  {
    name: 'createRule',
    kind: 'application',
    field: 'createRule',
    document: 'mutation ($input: CreateRuleInput!) { createRule(input: $input) { __typename } }',
    variables: (id) => ({ input: { applicationId: id, name: 'Planted', pattern: '.*', scenarioIds: [] } }),
  },
  {
    name: 'updateRule',
    kind: 'rule',
    field: 'updateRule',
    document: 'mutation ($input: UpdateRuleInput!) { updateRule(input: $input) { __typename } }',
    variables: (id) => ({ input: { id, pattern: '^0' } }),
  },
  {
    name: 'deleteRule',
    kind: 'rule',
    field: 'deleteRule',
    document: 'mutation ($input: DeleteRuleInput!) { deleteRule(input: $input) { deletedId } }',
    variables: (id) => ({ input: { id } }),
  },
  {
    name: 'reorderRules',
    kind: 'application',
    field: 'reorderRules',
    document: 'mutation ($input: ReorderRulesInput!) { reorderRules(input: $input) { __typename } }',
    variables: (id) => ({ input: { applicationId: id, ruleIds: [ownerData.ruleId] } }),
  },
  {
    name: 'createUser',
    kind: 'application',
    field: 'createUser',
    document: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { __typename } }',
    variables: (id) => ({ input: { applicationId: id, name: 'planted', displayName: 'Planted', password: PASSWORD } }),
  },
  {
    name: 'updateUser',
    kind: 'user',
    field: 'updateUser',
    document: 'mutation ($input: UpdateUserInput!) { updateUser(input: $input) { __typename } }',
    variables: (id) => ({ input: { id, active: false } }),
  },
  {
    name: 'deleteUser',
    kind: 'user',
    field: 'deleteUser',
    document: 'mutation ($input: DeleteUserInput!) { deleteUser(input: $input) { deletedId } }',
    variables: (id) => ({ input: { id } }),
  },
];

const MISSING_IDS: Array<[string, (kind: IdKind) => string]> = [
  ["another account's ID", (kind) => ownerId(kind)],
  ['an unknown ID', () => randomUUID()],
  ['a malformed ID', () => 'not-a-uuid'],
];

describe.each(MISSING_IDS)('%s', (_label, idFor) => {
  for (const idCase of CASES) {
    it(`${idCase.name} gives NOT_FOUND`, async () => {
      const id = idFor(idCase.kind);
      const ownerBefore = await snapshotAccount(server.database.db, owner.id);
      const intruderBefore = await snapshotAccount(server.database.db, intruder.id);

      const result = await server.request<Record<string, unknown>>(idCase.document, idCase.variables(id), { token: intruderToken });

      expect(result.data?.[idCase.field]).toBeNull();
      expect(errorSummaries(result)).toEqual([{ code: 'NOT_FOUND', path: idCase.field }]);
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', type: TYPE_NAMES[idCase.kind], id });
      expect(await snapshotAccount(server.database.db, owner.id)).toEqual(ownerBefore);
      expect(await snapshotAccount(server.database.db, intruder.id)).toEqual(intruderBefore);
    });
  }
});

describe('references across accounts', () => {
  it('rule with a foreign scenario is rejected', async () => {
    const before = await snapshotAccount(server.database.db, intruder.id);
    const result = await server.request<{ createRule: unknown }>(
      `mutation ($input: CreateRuleInput!) { createRule(input: $input) { __typename ... on InputError { field message } } }`,
      { input: { applicationId: intruderData.applicationId, name: 'Borrow', pattern: '.*', scenarioIds: [ownerData.scenarioId] } },
      { token: intruderToken },
    );
    expect(result.data?.createRule).toEqual({
      __typename: 'InputError',
      field: 'input.scenarioIds',
      message: `Scenario ${ownerData.scenarioId} is not a scenario of this rule's application.`,
    });
    expect(await snapshotAccount(server.database.db, intruder.id)).toEqual(before);
  });

  it('reorder with a foreign rule is rejected', async () => {
    const before = await snapshotAccount(server.database.db, intruder.id);
    const result = await server.request<{ reorderRules: unknown }>(
      `mutation ($input: ReorderRulesInput!) { reorderRules(input: $input) { __typename ... on InputError { field message } } }`,
      { input: { applicationId: intruderData.applicationId, ruleIds: [ownerData.ruleId] } },
      { token: intruderToken },
    );
    expect(result.data?.reorderRules).toEqual({
      __typename: 'InputError',
      field: 'input.ruleIds',
      message: `Rule ${ownerData.ruleId} is not a rule of this application.`,
    });
    expect(await snapshotAccount(server.database.db, intruder.id)).toEqual(before);
  });

  it('applications list shows only own applications', async () => {
    const result = await server.request<{ applications: { totalCount: number; nodes: Array<{ id: string }> } }>(
      '{ applications(first: 100) { totalCount nodes { id } } }',
      {},
      { token: intruderToken },
    );
    expect(result.data?.applications).toEqual({ totalCount: 1, nodes: [{ id: intruderData.applicationId }] });
  });

  it('audit log filter with a foreign subuser is empty', async () => {
    const ownerSubuser = await seedSubuser(server.database.db, owner.id, ['ADMIN']);
    const result = await server.request<{ auditLog: unknown }>(
      'query ($id: ID!) { auditLog(first: 10, filter: { subuserId: $id }) { totalCount nodes { id } } }',
      { id: ownerSubuser.id },
      { token: intruderToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.auditLog).toEqual({ totalCount: 0, nodes: [] });
  });
});
