// Loads a demo account with one subuser per role and a few applications with scenarios, rules and
// client users, and prints the logins. Safe to run twice: an existing demo account is deleted and
// created again.
import { eq } from 'drizzle-orm';
import { ROLES, ROLE_TITLES } from '../src/access/matrix.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/client.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { accounts } from '../src/db/schema.js';
import { createAccount, subuserLoginUrl } from '../src/domain/accounts.js';
import { createSubuser } from '../src/domain/subusers.js';
import { createLogger } from '../src/logger.js';
import { seedDemoApplications } from './demo-applications.js';

const DEMO_ACCOUNT = 'demo';
const DEMO_EMAIL = 'owner@demo.example';
const DEMO_PASSWORD = 'Demo-password-1';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
const embedded = config.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dataDir: config.EMBEDDED_POSTGRES_DIR, port: config.EMBEDDED_POSTGRES_PORT, logger });
const database = connectDatabase({ url: config.DATABASE_URL ?? embedded!.url, poolSize: 2, connectTimeoutSeconds: 10 });

try {
  await runMigrations(database.db);
  await database.db.delete(accounts).where(eq(accounts.name, DEMO_ACCOUNT));
  const account = await createAccount(database.db, { accountName: DEMO_ACCOUNT, email: DEMO_EMAIL, password: DEMO_PASSWORD }, null);
  // Changes made by this script are audited like any other, with no client IP.
  const actor = { accountId: account.id, subuserId: null, clientIp: null };

  const logins: Array<[string, string]> = [];
  for (const role of ROLES) {
    const login = role.toLowerCase().replaceAll('_', '-');
    await createSubuser(database.db, actor, {
      login,
      password: DEMO_PASSWORD,
      roles: [role],
      email: `${login}@demo.example`,
      description: `Demo subuser with the ${ROLE_TITLES[role]} role`,
    });
    logins.push([login, ROLE_TITLES[role]]);
  }

  const totals = await seedDemoApplications(database.db, actor, DEMO_PASSWORD);

  console.log(`Demo account "${DEMO_ACCOUNT}" is ready. Every password is ${DEMO_PASSWORD}\n`);
  console.log(
    `Applications: ${totals.applications}, scenarios: ${totals.scenarios}, rules: ${totals.rules}, ` +
      `client users: ${totals.users} (client users share the same password).`,
  );
  console.log(`Main account: logIn(input: { email: "${DEMO_EMAIL}", password: "${DEMO_PASSWORD}" })`);
  console.log(`Subuser login page: ${subuserLoginUrl(config.PUBLIC_URL, DEMO_ACCOUNT)}`);
  console.log(`Subusers: logInSubuser(input: { accountName: "${DEMO_ACCOUNT}", login: "<login>", password: "${DEMO_PASSWORD}" })\n`);
  for (const [login, title] of logins) {
    console.log(`  ${login.padEnd(22)} ${title}`);
  }
} finally {
  await database.close();
  await embedded?.stop();
}
