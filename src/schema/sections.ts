import { sectionTitle, type PanelSection } from '../access/matrix.js';
import type { AuthScopes } from './builder.js';

/**
 * Field options that guard a field with a panel section: the auth scope that enforces it, the
 * `@requiresSection` directive that shows it in the SDL, and a description line that names it.
 */
export function requiresSection(section: PanelSection, description: string) {
  const authScopes: Partial<AuthScopes> = {};
  authScopes[section] = true;
  return {
    description: `${description}\n\nRequires the panel section ${section}: ${sectionTitle(section)}.`,
    authScopes,
    directives: { requiresSection: { section } },
  };
}

/** Field options for fields that any logged-in viewer may use. */
export function requiresLogin(description: string) {
  return {
    description: `${description}\n\nRequires a session.`,
    authScopes: { authenticated: true } satisfies Partial<AuthScopes>,
  };
}
