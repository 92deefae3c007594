// Inserts many applications with their scenarios, rules and users in a few statements, for the
// benchmark and the statement-count test. It skips the domain layer (and so the audit log and
// per-user password hashing) because only the read path is under test there.
import { hashPassword } from '../src/auth/password.js';
import type { Executor } from '../src/db/client.js';
import { applications, applicationUsers, rules, ruleScenarios, scenarios } from '../src/db/schema.js';

export interface BulkShape {
  applications: number;
  scenariosPerApplication: number;
  rulesPerApplication: number;
  usersPerApplication: number;
}

const SCENARIO_SOURCE = `require(Modules.ASR);

VoxEngine.addEventListener(AppEvents.CallAlerting, (event) => {
  const call = event.call;
  call.answer();
  call.addEventListener(CallEvents.Connected, () => call.say('Thank you for calling.', VoiceList.Amazon.en_US_Joanna));
  call.addEventListener(CallEvents.PlaybackFinished, () => call.hangup());
  call.addEventListener(CallEvents.Disconnected, () => VoxEngine.terminate());
});
`;

let sharedHash: Promise<string> | undefined;

/** Seeds the shape into the account and returns the application IDs, newest last. */
export async function seedApplicationsInBulk(db: Executor, accountId: string, shape: BulkShape, prefix = 'App'): Promise<string[]> {
  // Every user shares one hash: hashing each would take minutes and is not what is measured.
  sharedHash ??= hashPassword('Bulk-password-1');
  const passwordHash = await sharedHash;
  const start = Date.now() - shape.applications * 1000;

  const appRows = await db
    .insert(applications)
    .values(
      Array.from({ length: shape.applications }, (_, index) => ({
        accountId,
        name: `${prefix} ${String(index + 1).padStart(3, '0')}`,
        description: `Demo application number ${index + 1}`,
        // Distinct creation times keep the newest-first order deterministic.
        createdAt: new Date(start + index * 1000),
      })),
    )
    .returning({ id: applications.id });
  const applicationIds = appRows.map((row) => row.id);
  if (applicationIds.length === 0) return applicationIds;

  const scenarioValues = applicationIds.flatMap((applicationId) =>
    Array.from({ length: shape.scenariosPerApplication }, (_, index) => ({
      accountId,
      applicationId,
      name: `scenario ${index + 1}`,
      source: SCENARIO_SOURCE,
    })),
  );
  const scenarioRows =
    scenarioValues.length === 0
      ? []
      : await db
    .insert(scenarios)
    .values(scenarioValues)
    .returning({ id: scenarios.id, applicationId: scenarios.applicationId });

  if (shape.rulesPerApplication > 0) {
    const ruleRows = await db
      .insert(rules)
      .values(
        applicationIds.flatMap((applicationId) =>
          Array.from({ length: shape.rulesPerApplication }, (_, index) => ({
            accountId,
            applicationId,
            name: `rule ${index + 1}`,
            pattern: index === 0 ? '^\\+1\\d{10}$' : '.*',
            position: index,
          })),
        ),
      )
      .returning({ id: rules.id, applicationId: rules.applicationId });
    const links = ruleRows.flatMap((rule) =>
      scenarioRows
        .filter((scenario) => scenario.applicationId === rule.applicationId)
        .map((scenario, position) => ({ applicationId: rule.applicationId, ruleId: rule.id, scenarioId: scenario.id, position })),
    );
    if (links.length > 0) await db.insert(ruleScenarios).values(links);
  }

  if (shape.usersPerApplication > 0) {
    await db.insert(applicationUsers).values(
      applicationIds.flatMap((applicationId) =>
        Array.from({ length: shape.usersPerApplication }, (_, index) => ({
          accountId,
          applicationId,
          name: `agent-${index + 1}`,
          displayName: `Agent ${index + 1}`,
          passwordHash,
          balanceLimit: index === 0 ? null : '100.00',
        })),
      ),
    );
  }
  return applicationIds;
}
