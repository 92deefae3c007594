import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedApplicationsInBulk } from '../scripts/bulk-seed.js';
import { logInAccount, seedAccount } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const PAGE_QUERY = `{
  applications(first: 50) {
    totalCount
    nodes {
      id name description recordCalls
      scenarios(first: 10) { totalCount nodes { id name sourceSize source } }
      rules(first: 10) { totalCount nodes { id name pattern scenarioIds position } }
      users(first: 10) { totalCount nodes { id name displayName balanceLimit } }
    }
  }
}`;

interface PageData {
  applications: {
    totalCount: number;
    nodes: Array<{
      id: string;
      scenarios: { totalCount: number; nodes: Array<{ id: string; source: string }> };
      rules: { totalCount: number; nodes: Array<{ scenarioIds: string[]; position: number }> };
      users: { totalCount: number; nodes: Array<{ id: string }> };
    }>;
  };
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

/** Seeds an account with `count` applications and returns the statements one page query ran. */
async function statementsForPage(count: number): Promise<{ statements: string[]; data: PageData }> {
  const account = await seedAccount(server.database.db);
  const shape = { applications: count, scenariosPerApplication: 3, rulesPerApplication: 2, usersPerApplication: 2 };
  await seedApplicationsInBulk(server.database.db, account.id, shape);
  const token = await logInAccount(server, account);

  server.statements.length = 0;
  const result = await server.request<PageData>(PAGE_QUERY, {}, { token });
  const statements = [...server.statements];
  expect(result.errors).toBeUndefined();
  if (!result.data) throw new Error('page query returned no data');
  return { statements, data: result.data };
}

describe('applications page statement count', () => {
  it('is the same for 5 and 50 applications', async () => {
    const small = await statementsForPage(5);
    const large = await statementsForPage(50);

    expect(small.data.applications.nodes).toHaveLength(5);
    expect(large.data.applications.nodes).toHaveLength(50);
    for (const application of large.data.applications.nodes) {
      expect(application.scenarios.totalCount).toBe(3);
      expect(application.scenarios.nodes).toHaveLength(3);
      expect(application.scenarios.nodes.every((scenario) => scenario.source.includes('VoxEngine'))).toBe(true);
      expect(application.rules.totalCount).toBe(2);
      expect(application.rules.nodes.map((rule) => rule.position)).toEqual([0, 1]);
      expect(application.rules.nodes[0]?.scenarioIds).toHaveLength(3);
      expect(application.users.totalCount).toBe(2);
      expect(application.users.nodes).toHaveLength(2);
    }

    expect(large.statements.length).toBe(small.statements.length);
    // applications page and count, one page and one count per nested list, one batch of sources.
    expect(small.statements.length).toBe(9);
  });

  it('loads every nested list of the page in one statement', async () => {
    const { statements } = await statementsForPage(50);
    expect(statements.filter((statement) => statement.includes('from "scenarios" where "scenarios"."application_id" in'))).toHaveLength(2);
    expect(statements.filter((statement) => statement.includes('from "rules" where "rules"."application_id" in'))).toHaveLength(2);
    expect(
      statements.filter((statement) => statement.includes('from "application_users" where "application_users"."application_id" in')),
    ).toHaveLength(2);
    expect(statements.filter((statement) => statement.includes('"scenarios"."id" in'))).toHaveLength(1);
  });
});
