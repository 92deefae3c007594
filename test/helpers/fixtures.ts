import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/access/matrix.js';
import type { Database } from '../../src/db/client.js';
import type { AccountRow, SubuserRow } from '../../src/db/schema.js';
import { createAccount } from '../../src/domain/accounts.js';
import { createSubuser } from '../../src/domain/subusers.js';
import type { TestServer } from './server.js';

export const PASSWORD = 'Correct-horse-9';

export function uniqueName(stem: string): string {
  return `${stem}-${randomBytes(4).toString('hex')}`;
}

/** Seeds a main account through the domain layer, bypassing the API. */
export async function seedAccount(db: Database, stem = 'acme'): Promise<AccountRow> {
  const name = uniqueName(stem);
  return createAccount(db, { accountName: name, email: `${name}@example.com`, password: PASSWORD }, null);
}

export async function seedSubuser(db: Database, accountId: string, roles: Role[], login = uniqueName('user')): Promise<SubuserRow> {
  return createSubuser(db, { accountId, subuserId: null, clientIp: null }, { login, password: PASSWORD, roles });
}

const LOG_IN = `mutation ($input: LogInInput!) {
  logIn(input: $input) { __typename ... on SessionPayload { sessionId expiresAt } ... on MutationError { code message } }
}`;

const LOG_IN_SUBUSER = `mutation ($input: LogInSubuserInput!) {
  logInSubuser(input: $input) { __typename ... on SessionPayload { sessionId expiresAt } ... on MutationError { code message } }
}`;

interface LogInData {
  logIn?: { __typename: string; sessionId?: string };
  logInSubuser?: { __typename: string; sessionId?: string };
}

export async function logInAccount(server: TestServer, account: AccountRow, password = PASSWORD): Promise<string> {
  const result = await server.request<LogInData>(LOG_IN, { input: { email: account.email, password } });
  const token = result.data?.logIn?.sessionId;
  if (!token) throw new Error(`logIn failed: ${JSON.stringify(result)}`);
  return token;
}

export async function logInAs(server: TestServer, account: AccountRow, subuser: SubuserRow, password = PASSWORD): Promise<string> {
  const result = await server.request<LogInData>(LOG_IN_SUBUSER, {
    input: { accountName: account.name, login: subuser.login, password },
  });
  const token = result.data?.logInSubuser?.sessionId;
  if (!token) throw new Error(`logInSubuser failed: ${JSON.stringify(result)}`);
  return token;
}

export { LOG_IN, LOG_IN_SUBUSER };
