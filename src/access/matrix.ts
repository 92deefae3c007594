/**
 * The access matrix: which built-in roles open which panel sections. A listed role has full read,
 * write and delete access to the section. The main account has every section. A subuser's access
 * is the union of its roles' sections.
 */

export const ROLES = [
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
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  DEVELOPER: 'Developer',
  SUPERVISOR: 'Supervisor',
  SUPPORT: 'Support',
  ACCOUNTANT: 'Accountant',
  CALL_LIST_MANAGER: 'CallListManager',
  USER_MANAGER: 'UserManager',
  PHONE_NUMBER_MANAGER: 'PhoneNumberManager',
  PAYER: 'Payer',
  PAYER_NO_VERIFY: 'PayerNoVerify',
};

export type SectionGroup = 'APPLICATION' | 'PHONE_NUMBER' | 'BILLING' | 'SETTINGS';

interface SectionDefinition {
  readonly section: string;
  readonly title: string;
  readonly group: SectionGroup;
  /** Subuser roles that open the section. The main account opens every section and is not listed. */
  readonly roles: readonly Role[];
}

const O = 'OWNER';
const A = 'ADMIN';
const Dv = 'DEVELOPER';
const Sv = 'SUPERVISOR';
const Sp = 'SUPPORT';
const Ac = 'ACCOUNTANT';
const CLM = 'CALL_LIST_MANAGER';
const UM = 'USER_MANAGER';
const PNM = 'PHONE_NUMBER_MANAGER';
const P = 'PAYER';
const PNV = 'PAYER_NO_VERIFY';

export const SECTION_DEFINITIONS = [
  // Application sections
  { section: 'CONTROL_PANEL', title: 'Control panel', group: 'APPLICATION', roles: [PNM, O, A, Dv, Sv, Sp, Ac, CLM, UM, P, PNV] },
  { section: 'APPLICATIONS', title: 'Applications', group: 'APPLICATION', roles: [O, A, Dv, Sv, Sp, Ac, CLM, UM] },
  { section: 'APPLICATION', title: 'Certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv, Sp, Ac] },
  { section: 'CALL_HISTORY', title: 'Call history in a certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv, Sp] },
  { section: 'CALL_HISTORY_DOWNLOADS', title: 'Call history downloads in a certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv] },
  { section: 'SCENARIOS', title: 'Scenarios in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'USERS', title: 'Users in a certain application', group: 'APPLICATION', roles: [O, A, UM] },
  { section: 'APPLICATION_PHONE_NUMBERS', title: 'Phone numbers in a certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv, Sp] },
  { section: 'RULES', title: 'Rules in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'QUEUES', title: 'Queues in a certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv] },
  { section: 'CALL_LISTS', title: 'Call lists in a certain application', group: 'APPLICATION', roles: [O, A, Dv, Sv, Sp, CLM] },
  { section: 'CALL_LIST_CREATION', title: 'Creating a new call list in a certain application', group: 'APPLICATION', roles: [O, A, Dv, CLM] },
  { section: 'CALL_LIST_APPENDING', title: 'Append new lines to a call list in a certain application', group: 'APPLICATION', roles: [O, A, Dv, CLM] },
  { section: 'SIP_REGISTRATIONS', title: 'SIP registrations in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'PUSH_CERTIFICATES', title: 'Push certificates in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'DIALOGFLOW_AGENTS', title: 'Dialogflow agents in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'KEY_VALUE_STORAGE', title: 'Key-Value Storage in a certain application', group: 'APPLICATION', roles: [O, A, Dv] },
  { section: 'SMART_QUEUE', title: 'SmartQueue in a certain application (queues, skills, agents)', group: 'APPLICATION', roles: [O, A, Dv, UM] },
  { section: 'CALL_RECORD_DELETION', title: 'Deleting call records in a certain application', group: 'APPLICATION', roles: [O, A] },

  // Phone number sections
  { section: 'PHONE_NUMBER_DEACTIVATION', title: 'Number deactivation', group: 'PHONE_NUMBER', roles: [O] },
  { section: 'PHONE_NUMBER_BINDING', title: 'Attaching numbers to application', group: 'PHONE_NUMBER', roles: [O, A, Dv] },
  { section: 'PURCHASED_PHONE_NUMBERS', title: 'Getting the list of purchased numbers', group: 'PHONE_NUMBER', roles: [O, A, Dv, Sv, Sp, Ac, P] },
  { section: 'AVAILABLE_PHONE_NUMBERS', title: 'Choose available for purchase numbers (and buy them)', group: 'PHONE_NUMBER', roles: [O, A, Ac] },
  { section: 'PHONE_NUMBER_PARAMETERS', title: 'Set up number additional parameters', group: 'PHONE_NUMBER', roles: [O, A, Ac] },
  { section: 'PHONE_NUMBER_REPORTS', title: 'Phone number reports', group: 'PHONE_NUMBER', roles: [PNM, O, A, Dv, Sv, Sp, Ac, P] },
  { section: 'CALLER_IDS', title: 'Caller IDs', group: 'PHONE_NUMBER', roles: [O, A] },

  // Billing sections: PayerNoVerify has every billing section except the verification list.
  { section: 'BILLING', title: 'Billing: balance and payments', group: 'BILLING', roles: [O, A, Ac, P, PNV] },
  { section: 'TRANSACTION_HISTORY', title: 'Transaction history', group: 'BILLING', roles: [O, A, Ac, P, PNV] },
  { section: 'INVOICES', title: 'Invoices', group: 'BILLING', roles: [O, A, Ac, P, PNV] },
  { section: 'PLANS', title: 'Plans and subscriptions', group: 'BILLING', roles: [O, A, Ac, P, PNV] },
  { section: 'VERIFICATION', title: 'Verification list (documents, verification status)', group: 'BILLING', roles: [O, A, Ac, P] },
  { section: 'REGULATION_ADDRESSES', title: 'Regulation addresses', group: 'BILLING', roles: [O, A, Ac, P, PNV] },

  // Settings sections
  { section: 'ACCOUNT_PROFILE', title: 'Account profile (personal and company information)', group: 'SETTINGS', roles: [O, A, Dv, Ac, P, PNV] },
  { section: 'NOTIFICATIONS', title: 'Notification settings (balance alerts, contact e-mails)', group: 'SETTINGS', roles: [O, A, Ac] },
  { section: 'AUTHORIZED_IPS', title: 'Authorized IP addresses', group: 'SETTINGS', roles: [O, A, Dv] },
  { section: 'SIP_WHITE_LIST', title: 'SIP white list', group: 'SETTINGS', roles: [O, A, Dv] },
  { section: 'PSTN_BLACKLIST', title: 'PSTN blacklist', group: 'SETTINGS', roles: [O, A] },
  { section: 'SECRETS', title: 'Secret storage', group: 'SETTINGS', roles: [O, A, Dv] },
  { section: 'RECORD_STORAGES', title: 'Record storages', group: 'SETTINGS', roles: [O, A, Dv] },
  { section: 'SERVICE_ACCOUNTS', title: 'Service accounts and their API keys', group: 'SETTINGS', roles: [] },
  { section: 'CALLBACKS', title: 'Callbacks (webhooks)', group: 'SETTINGS', roles: [] },
  { section: 'CHILD_ACCOUNTS', title: 'Child accounts', group: 'SETTINGS', roles: [O] },
  { section: 'SUBUSERS', title: 'Subusers: list and the subuser login link', group: 'SETTINGS', roles: [O] },
  { section: 'SUBUSER_EDITING', title: 'Editing a subuser: create, edit, set roles, delete', group: 'SETTINGS', roles: [] },
  { section: 'LOGS', title: 'Logs (audit log of every change)', group: 'SETTINGS', roles: [O] },
] as const satisfies readonly SectionDefinition[];

export type PanelSection = (typeof SECTION_DEFINITIONS)[number]['section'];

export const PANEL_SECTIONS: readonly PanelSection[] = SECTION_DEFINITIONS.map((definition) => definition.section);

const sectionsByRole = new Map<Role, ReadonlySet<PanelSection>>(
  ROLES.map((role) => [
    role,
    new Set(
      SECTION_DEFINITIONS.filter((definition) => (definition.roles as readonly Role[]).includes(role)).map(
        (definition) => definition.section,
      ),
    ),
  ]),
);

const ALL_SECTIONS: ReadonlySet<PanelSection> = new Set(PANEL_SECTIONS);

/** Returns the sections a role opens, in matrix order. */
export function sectionsOfRole(role: Role): PanelSection[] {
  const sections = sectionsByRole.get(role) ?? new Set();
  return PANEL_SECTIONS.filter((section) => sections.has(section));
}

/** Returns the roles that open a section, in role order (the main account is not a role). */
export function rolesOfSection(section: PanelSection): Role[] {
  return ROLES.filter((role) => sectionsByRole.get(role)?.has(section));
}

/**
 * Returns the sections a principal may open: every section for the main account, the union of
 * the roles' sections for a subuser.
 */
export function sectionsOf(principal: { isMainAccount: boolean; roles: readonly Role[] }): ReadonlySet<PanelSection> {
  if (principal.isMainAccount) {
    return ALL_SECTIONS;
  }
  const sections = new Set<PanelSection>();
  for (const role of principal.roles) {
    for (const section of sectionsByRole.get(role) ?? []) {
      sections.add(section);
    }
  }
  return sections;
}

export function sectionTitle(section: PanelSection): string {
  return SECTION_DEFINITIONS.find((definition) => definition.section === section)?.title ?? section;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
