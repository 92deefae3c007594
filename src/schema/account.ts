import type { AccountRow } from '../db/schema.js';
import { builder } from './builder.js';
import { requiresSection } from './sections.js';

export const AccountType = builder.objectRef<AccountRow>('Account').implement({
  description: 'A main account: the tenant that owns subusers and every section\'s data.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    name: t.exposeString('name', { nullable: false, description: 'Lower-case name, shown on the subuser login page.' }),
    email: t.exposeString('email', requiresSection('ACCOUNT_PROFILE', 'The main account\'s e-mail.')),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false }),
  }),
});
