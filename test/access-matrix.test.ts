import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Role } from '../src/access/matrix.js';
import { connectDatabase, type DatabaseHandle } from '../src/db/client.js';
import { subusers, type AccountRow, type SubuserRow } from '../src/db/schema.js';
import { PASSWORD, logInAccount, logInAs, seedAccount, seedSubuser, uniqueName } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { inject } from 'vitest';

// The access matrix as the product documents it, written out here on purpose: the test must not
// trust the module it checks. M (the main account) has every section and is not listed.
const O = 'OWNER', A = 'ADMIN', Dv = 'DEVELOPER', Sv = 'SUPERVISOR', Sp = 'SUPPORT', Ac = 'ACCOUNTANT';
const CLM = 'CALL_LIST_MANAGER', UM = 'USER_MANAGER', PNM = 'PHONE_NUMBER_MANAGER', P = 'PAYER', PNV = 'PAYER_NO_VERIFY';

const EXPECTED_MATRIX: Record<string, Role[]> = {
  CONTROL_PANEL: [PNM, O, A, Dv, Sv, Sp, Ac, CLM, UM, P, PNV],
  APPLICATIONS: [O, A, Dv, Sv, Sp, Ac, CLM, UM],
  APPLICATION: [O, A, Dv, Sv, Sp, Ac],
  CALL_HISTORY: [O, A, Dv, Sv, Sp],
  CALL_HISTORY_DOWNLOADS: [O, A, Dv, Sv],
  SCENARIOS: [O, A, Dv],
  USERS: [O, A, UM],
  APPLICATION_PHONE_NUMBERS: [O, A, Dv, Sv, Sp],
  RULES: [O, A, Dv],
  QUEUES: [O, A, Dv, Sv],
  CALL_LISTS: [O, A, Dv, Sv, Sp, CLM],
  CALL_LIST_CREATION: [O, A, Dv, CLM],
  CALL_LIST_APPENDING: [O, A, Dv, CLM],
  SIP_REGISTRATIONS: [O, A, Dv],
  PUSH_CERTIFICATES: [O, A, Dv],
  DIALOGFLOW_AGENTS: [O, A, Dv],
  KEY_VALUE_STORAGE: [O, A, Dv],
  SMART_QUEUE: [O, A, Dv, UM],
  CALL_RECORD_DELETION: [O, A],
  PHONE_NUMBER_DEACTIVATION: [O],
  PHONE_NUMBER_BINDING: [O, A, Dv],
  PURCHASED_PHONE_NUMBERS: [O, A, Dv, Sv, Sp, Ac, P],
  AVAILABLE_PHONE_NUMBERS: [O, A, Ac],
  PHONE_NUMBER_PARAMETERS: [O, A, Ac],
  PHONE_NUMBER_REPORTS: [PNM, O, A, Dv, Sv, Sp, Ac, P],
  CALLER_IDS: [O, A],
  BILLING: [O, A, Ac, P, PNV],
  TRANSACTION_HISTORY: [O, A, Ac, P, PNV],
  INVOICES: [O, A, Ac, P, PNV],
  PLANS: [O, A, Ac, P, PNV],
  VERIFICATION: [O, A, Ac, P],
  REGULATION_ADDRESSES: [O, A, Ac, P, PNV],
  ACCOUNT_PROFILE: [O, A, Dv, Ac, P, PNV],
  NOTIFICATIONS: [O, A, Ac],
  AUTHORIZED_IPS: [O, A, Dv],
  SIP_WHITE_LIST: [O, A, Dv],
  PSTN_BLACKLIST: [O, A],
  SECRETS: [O, A, Dv],
  RECORD_STORAGES: [O, A, Dv],
  SERVICE_ACCOUNTS: [],
  CALLBACKS: [],
  CHILD_ACCOUNTS: [O],
  SUBUSERS: [O],
  SUBUSER_EDITING: [],
  LOGS: [O],
};

const ALL_ROLES: Role[] = [O, A, Dv, Sv, Sp, Ac, CLM, UM, PNM, P, PNV];
const PRINCIPALS = ['MAIN_ACCOUNT', ...ALL_ROLES] as const;
type Principal = (typeof PRINCIPALS)[number];

function allows(principal: Principal, section: string): boolean {
  if (principal === 'MAIN_ACCOUNT') return true;
  return (EXPECTED_MATRIX[section] ?? []).includes(principal);
}

let handle: DatabaseHandle;
let account: AccountRow;
const subuserByRole = new Map<Role, SubuserRow>();
let server: TestServer;

beforeAll(async () => {
  handle = connectDatabase({ url: inject('databaseUrl'), poolSize: 2, connectTimeoutSeconds: 5 });
  account = await seedAccount(handle.db, 'matrix');
  for (const role of ALL_ROLES) {
    subuserByRole.set(role, await seedSubuser(handle.db, account.id, [role], `as-${role.toLowerCase()}`));
  }
  return () => handle.close();
});

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

async function tokenFor(principal: Principal): Promise<string> {
  if (principal === 'MAIN_ACCOUNT') return logInAccount(server, account);
  const subuser = subuserByRole.get(principal);
  if (!subuser) throw new Error(`no subuser seeded for ${principal}`);
  return logInAs(server, account, subuser);
}

function forbiddenAt(result: { errors?: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> }) {
  return (result.errors ?? []).map((error) => ({
    path: error.path?.join('.'),
    code: error.extensions?.code,
    section: error.extensions?.section,
  }));
}

test('roles and panelSections expose the documented matrix', async () => {
  const token = await tokenFor('MAIN_ACCOUNT');
  const result = await server.request<{
    roles: Array<{ role: Role; sections: string[] }>;
    panelSections: Array<{ section: string; roles: Role[]; title: string }>;
  }>('{ roles { role sections } panelSections { section title roles } }', {}, { token });

  expect(result.errors).toBeUndefined();
  expect(result.data?.panelSections).toHaveLength(45);
  const sectionRoles = Object.fromEntries(result.data!.panelSections.map((row) => [row.section, [...row.roles].sort()]));
  const expectedSectionRoles = Object.fromEntries(Object.entries(EXPECTED_MATRIX).map(([section, roles]) => [section, [...roles].sort()]));
  expect(sectionRoles).toEqual(expectedSectionRoles);

  expect(result.data?.roles.map((row) => row.role).sort()).toEqual([...ALL_ROLES].sort());
  for (const row of result.data!.roles) {
    const expected = Object.keys(EXPECTED_MATRIX).filter((section) => EXPECTED_MATRIX[section]!.includes(row.role));
    expect(row.sections, row.role).toEqual(expected);
  }
});

describe.each(PRINCIPALS)('as %s', (principal) => {
  test('me lists exactly the sections of its roles', async () => {
    const token = await tokenFor(principal);
    const result = await server.request<{ me: { isMainAccount: boolean; roles: Role[]; sections: string[] } }>(
      '{ me { isMainAccount roles sections } }',
      {},
      { token },
    );
    expect(result.errors).toBeUndefined();
    const expected = Object.keys(EXPECTED_MATRIX).filter((section) => allows(principal, section));
    expect(result.data?.me.sections).toEqual(expected);
    expect(result.data?.me.isMainAccount).toBe(principal === 'MAIN_ACCOUNT');
    expect(result.data?.me.roles).toEqual(principal === 'MAIN_ACCOUNT' ? [] : [principal]);
  });

  test('CONTROL_PANEL: roles query', async () => {
    const token = await tokenFor(principal);
    const result = await server.request<{ roles: unknown[] | null }>('{ roles { role } }', {}, { token });
    // Every principal has CONTROL_PANEL, so the only denial is for a request without a session.
    expect(allows(principal, 'CONTROL_PANEL')).toBe(true);
    expect(result.errors).toBeUndefined();
    expect(result.data?.roles).toHaveLength(11);
  });

  test('SUBUSERS: list, one subuser and the login link', async () => {
    const token = await tokenFor(principal);
    const owner = subuserByRole.get('OWNER')!;
    const result = await server.request<{
      subusers: { totalCount: number; nodes: Array<{ login: string }> } | null;
      subuser: { login: string } | null;
      subuserLoginUrl: string | null;
    }>(
      'query ($id: ID!) { subusers(first: 50) { totalCount nodes { login } } subuser(id: $id) { login } subuserLoginUrl }',
      { id: owner.id },
      { token },
    );

    if (allows(principal, 'SUBUSERS')) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.subusers?.totalCount).toBeGreaterThanOrEqual(11);
      expect(result.data?.subusers?.nodes.map((node) => node.login)).toContain('as-owner');
      expect(result.data?.subuser).toEqual({ login: 'as-owner' });
      expect(result.data?.subuserLoginUrl).toBe(`http://panel.test/login/${account.name}`);
    } else {
      expect(result.data).toEqual({ subusers: null, subuser: null, subuserLoginUrl: null });
      expect(forbiddenAt(result)).toEqual([
        { path: 'subusers', code: 'FORBIDDEN', section: 'SUBUSERS' },
        { path: 'subuser', code: 'FORBIDDEN', section: 'SUBUSERS' },
        { path: 'subuserLoginUrl', code: 'FORBIDDEN', section: 'SUBUSERS' },
      ]);
    }
  });

  test('ACCOUNT_PROFILE: account e-mail beside allowed fields', async () => {
    const token = await tokenFor(principal);
    const result = await server.request<{ me: { account: { name: string; email: string | null } } }>(
      '{ me { account { name email } } }',
      {},
      { token },
    );
    // The account name is open to everyone; only the e-mail needs ACCOUNT_PROFILE.
    expect(result.data?.me.account.name).toBe(account.name);
    if (allows(principal, 'ACCOUNT_PROFILE')) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.me.account.email).toBe(account.email);
    } else {
      expect(result.data?.me.account.email).toBeNull();
      expect(forbiddenAt(result)).toEqual([{ path: 'me.account.email', code: 'FORBIDDEN', section: 'ACCOUNT_PROFILE' }]);
    }
  });

  test('SUBUSER_EDITING: create, update, set roles and delete', async () => {
    const token = await tokenFor(principal);
    const target = await seedSubuser(handle.db, account.id, ['SUPPORT'], uniqueName('target'));
    const newLogin = uniqueName('new');

    const result = await server.request<Record<string, { __typename: string } | null>>(
      `mutation ($create: CreateSubuserInput!, $update: UpdateSubuserInput!, $roles: SetSubuserRolesInput!) {
        createSubuser(input: $create) { __typename }
        updateSubuser(input: $update) { __typename }
        setSubuserRoles(input: $roles) { __typename }
      }`,
      {
        create: { login: newLogin, password: PASSWORD, roles: ['DEVELOPER'] },
        update: { id: target.id, description: 'changed' },
        roles: { id: target.id, roles: ['ADMIN'] },
      },
      { token },
    );
    const deleted = await server.request<{ deleteSubuser: { deletedId: string } | null }>(
      'mutation ($id: ID!) { deleteSubuser(input: { id: $id }) { deletedId } }',
      { id: target.id },
      { token },
    );

    const created = await handle.db.query.subusers.findFirst({ where: eq(subusers.login, newLogin) });
    const targetAfter = await handle.db.query.subusers.findFirst({ where: eq(subusers.id, target.id) });

    if (allows(principal, 'SUBUSER_EDITING')) {
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        createSubuser: { __typename: 'SubuserPayload' },
        updateSubuser: { __typename: 'SubuserPayload' },
        setSubuserRoles: { __typename: 'SubuserPayload' },
      });
      expect(deleted.data?.deleteSubuser).toEqual({ deletedId: target.id });
      expect(created?.roles).toEqual(['DEVELOPER']);
      expect(targetAfter).toBeUndefined();
    } else {
      expect(result.data).toEqual({ createSubuser: null, updateSubuser: null, setSubuserRoles: null });
      expect(forbiddenAt(result)).toEqual([
        { path: 'createSubuser', code: 'FORBIDDEN', section: 'SUBUSER_EDITING' },
        { path: 'updateSubuser', code: 'FORBIDDEN', section: 'SUBUSER_EDITING' },
        { path: 'setSubuserRoles', code: 'FORBIDDEN', section: 'SUBUSER_EDITING' },
      ]);
      expect(forbiddenAt(deleted)).toEqual([{ path: 'deleteSubuser', code: 'FORBIDDEN', section: 'SUBUSER_EDITING' }]);
      // The denied mutations changed nothing.
      expect(created).toBeUndefined();
      expect(targetAfter).toEqual(target);
    }
  });
});

test('no session: guarded fields are UNAUTHENTICATED', async () => {
  const result = await server.request('{ roles { role } subusers { totalCount } me { isMainAccount } }');
  expect(result.data).toEqual({ roles: null, subusers: null, me: null });
  expect(forbiddenAt(result)).toEqual([
    { path: 'roles', code: 'UNAUTHENTICATED', section: undefined },
    { path: 'subusers', code: 'UNAUTHENTICATED', section: undefined },
    { path: 'me', code: 'UNAUTHENTICATED', section: undefined },
  ]);
});
