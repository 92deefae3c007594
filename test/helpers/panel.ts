import { eq, inArray } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { applications, applicationUsers, auditLog, rules, ruleScenarios, scenarios } from '../../src/db/schema.js';
import { createApplicationUser } from '../../src/domain/application-users.js';
import { createApplication } from '../../src/domain/applications.js';
import type { Actor } from '../../src/domain/audit.js';
import { createRule } from '../../src/domain/rules.js';
import { createScenario } from '../../src/domain/scenarios.js';
import { PASSWORD, uniqueName } from './fixtures.js';
import type { GraphQLResult } from './server.js';

/** Returns the actor for fixtures written straight through the domain layer. */
export function scriptActor(accountId: string): Actor {
  return { accountId, subuserId: null, clientIp: null };
}

export const SOURCE = "VoxEngine.addEventListener(AppEvents.CallAlerting, (event) => event.call.answer());\n";

export interface SeededApplication {
  applicationId: string;
  scenarioId: string;
  ruleId: string;
  userId: string;
}

/** Creates an application with one scenario, one rule running it and one user. */
export async function seedApplication(db: Database, accountId: string, name = uniqueName('App')): Promise<SeededApplication> {
  const actor = scriptActor(accountId);
  const application = await createApplication(db, actor, { name });
  const scenario = await createScenario(db, actor, application.id, { name: 'Greeting', source: SOURCE });
  if (!scenario) throw new Error('seed scenario failed');
  const rule = await createRule(db, actor, application.id, {
    name: 'All calls',
    pattern: '.*',
    excludePattern: null,
    scenarioIds: [scenario.id],
  });
  if (!rule) throw new Error('seed rule failed');
  const user = await createApplicationUser(db, actor, application.id, {
    name: 'agent-1',
    displayName: 'Agent One',
    password: PASSWORD,
    balanceLimit: '25.5',
  });
  if (!user) throw new Error('seed user failed');
  return { applicationId: application.id, scenarioId: scenario.id, ruleId: rule.id, userId: user.id };
}

/**
 * Reads every row of the account's sections (applications and what is in them, and the audit
 * log), so a test can assert that a call changed nothing.
 */
export async function snapshotAccount(db: Database, accountId: string) {
  const appRows = await db.select().from(applications).where(eq(applications.accountId, accountId)).orderBy(applications.id);
  const applicationIds = appRows.map((row) => row.id);
  const links = applicationIds.length
    ? await db
        .select()
        .from(ruleScenarios)
        .where(inArray(ruleScenarios.applicationId, applicationIds))
        .orderBy(ruleScenarios.ruleId, ruleScenarios.position)
    : [];
  return {
    applications: appRows,
    scenarios: await db.select().from(scenarios).where(eq(scenarios.accountId, accountId)).orderBy(scenarios.id),
    rules: await db.select().from(rules).where(eq(rules.accountId, accountId)).orderBy(rules.id),
    ruleScenarios: links,
    users: await db.select().from(applicationUsers).where(eq(applicationUsers.accountId, accountId)).orderBy(applicationUsers.id),
    auditLog: await db.select().from(auditLog).where(eq(auditLog.accountId, accountId)).orderBy(auditLog.id),
  };
}

export interface ErrorSummary {
  code: unknown;
  section?: unknown;
  path: string | undefined;
}

/** Reduces a response's errors to code, section and dotted path, for exact comparison. */
export function errorSummaries(result: GraphQLResult<unknown>): ErrorSummary[] {
  return (result.errors ?? []).map((error) => {
    const summary: ErrorSummary = { code: error.extensions?.code, path: error.path?.join('.') };
    if (error.extensions?.section !== undefined) summary.section = error.extensions.section;
    return summary;
  });
}
