import { PANEL_SECTIONS, ROLES, ROLE_TITLES, SECTION_DEFINITIONS, rolesOfSection, sectionsOfRole, type Role } from '../access/matrix.js';
import type { Viewer } from '../graphql/context.js';
import { findAccountById } from '../domain/accounts.js';
import { findSubuser } from '../domain/subusers.js';
import { unauthenticatedError } from '../errors.js';
import { builder } from './builder.js';
import { PanelSectionEnum, RoleEnum } from './enums.js';
import { AccountType } from './account.js';
import { SubuserType } from './subuser-type.js';
import { requiresLogin, requiresSection } from './sections.js';

const SectionGroupEnum = builder.enumType('SectionGroup', {
  values: ['APPLICATION', 'PHONE_NUMBER', 'BILLING', 'SETTINGS'] as const,
});

const RoleInfo = builder.objectRef<Role>('RoleInfo').implement({
  description: 'A role and the panel sections it opens.',
  fields: (t) => ({
    role: t.field({ type: RoleEnum, nullable: false, resolve: (role) => role }),
    title: t.string({ nullable: false, resolve: (role) => ROLE_TITLES[role] }),
    sections: t.field({ type: [PanelSectionEnum], nullable: false, resolve: (role) => sectionsOfRole(role) }),
  }),
});

const PanelSectionInfo = builder.objectRef<(typeof SECTION_DEFINITIONS)[number]>('PanelSectionInfo').implement({
  description: 'A panel section, its title and the roles that open it. The main account opens every section.',
  fields: (t) => ({
    section: t.field({ type: PanelSectionEnum, nullable: false, resolve: (definition) => definition.section }),
    title: t.exposeString('title', { nullable: false }),
    group: t.field({ type: SectionGroupEnum, nullable: false, resolve: (definition) => definition.group }),
    roles: t.field({ type: [RoleEnum], nullable: false, resolve: (definition) => rolesOfSection(definition.section) }),
  }),
});

const MeType = builder.objectRef<Viewer>('Me').implement({
  description: 'The logged-in principal: the main account itself, or one of its subusers.',
  fields: (t) => ({
    account: t.field({
      type: AccountType,
      nullable: false,
      resolve: async (viewer, _args, context) => {
        const account = await findAccountById(context.services.db, viewer.accountId);
        if (!account) throw unauthenticatedError(true);
        return account;
      },
    }),
    subuser: t.field({
      type: SubuserType,
      description: 'The logged-in subuser; null when the main account is logged in.',
      resolve: (viewer, _args, context) =>
        viewer.subuserId ? findSubuser(context.services.db, viewer.accountId, viewer.subuserId) : null,
    }),
    isMainAccount: t.exposeBoolean('isMainAccount', { nullable: false }),
    roles: t.field({
      type: [RoleEnum],
      nullable: false,
      description: 'The subuser\'s roles; empty for the main account, which has every section.',
      resolve: (viewer) => [...viewer.roles],
    }),
    sections: t.field({
      type: [PanelSectionEnum],
      nullable: false,
      description: 'Every section the viewer may open: the union of its roles\' sections.',
      resolve: (viewer) => PANEL_SECTIONS.filter((section) => viewer.sections.has(section)),
    }),
    sessionExpiresAt: t.field({
      type: 'DateTime',
      nullable: false,
      resolve: (viewer) => new Date(viewer.session.expiresAt),
    }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: MeType,
    ...requiresLogin('The logged-in principal, its roles and sections.'),
    resolve: async (_root, _args, context) => context.getViewer(),
  }),
  roles: t.field({
    type: [RoleInfo],
    ...requiresSection('CONTROL_PANEL', 'Every built-in role with the sections it opens.'),
    resolve: () => [...ROLES],
  }),
  panelSections: t.field({
    type: [PanelSectionInfo],
    ...requiresSection('CONTROL_PANEL', 'Every panel section with its title and the roles that open it.'),
    resolve: () => [...SECTION_DEFINITIONS],
  }),
}));

export { MeType };
