import type { SubuserRow } from '../db/schema.js';
import { builder } from './builder.js';
import { RoleEnum } from './enums.js';

export const SubuserType = builder.objectRef<SubuserRow>('Subuser').implement({
  description: 'A person with panel access under the main account, limited by its roles.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
    login: t.exposeString('login', { nullable: false, description: 'Lower-case login, unique in the account.' }),
    email: t.exposeString('email'),
    description: t.exposeString('description'),
    roles: t.field({ type: [RoleEnum], nullable: false, resolve: (subuser) => subuser.roles }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: false }),
  }),
});
