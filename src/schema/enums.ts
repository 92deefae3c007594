import { ROLES, ROLE_TITLES, SECTION_DEFINITIONS, type PanelSection, type Role } from '../access/matrix.js';
import { builder } from './builder.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'Built-in subuser roles; each opens a fixed set of panel sections.',
  values: Object.fromEntries(ROLES.map((role) => [role, { description: ROLE_TITLES[role] }])) as Record<Role, { description: string }>,
});

export const PanelSectionEnum = builder.enumType('PanelSection', {
  description: 'Sections of the control panel; every guarded field requires one.',
  values: Object.fromEntries(SECTION_DEFINITIONS.map((definition) => [definition.section, { description: definition.title }])) as Record<
    PanelSection,
    { description: string }
  >,
});
