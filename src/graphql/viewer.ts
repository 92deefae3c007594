import { sectionsOf } from '../access/matrix.js';
import type { Session } from '../auth/sessions.js';
import { unauthenticatedError } from '../errors.js';
import type { Context, Viewer } from './context.js';

export function viewerFromSession(session: Session): Viewer {
  const isMainAccount = session.subuserId === null;
  return {
    session,
    accountId: session.accountId,
    subuserId: session.subuserId,
    isMainAccount,
    roles: session.roles,
    sections: sectionsOf({ isMainAccount, roles: session.roles }),
  };
}

/** Returns the request's viewer or throws UNAUTHENTICATED. */
export async function assertViewer(context: Context): Promise<Viewer> {
  const viewer = await context.getViewer();
  if (!viewer) throw unauthenticatedError();
  return viewer;
}
