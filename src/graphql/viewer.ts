import { sectionsOf } from '../access/matrix.js';
import type { Session } from '../auth/sessions.js';
import type { Actor } from '../domain/audit.js';
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
  if (!viewer) throw unauthenticatedError(context.sentSessionToken());
  return viewer;
}

/** Returns the request's viewer as the actor of a change: its account, subuser and client IP. */
export function actorOf(viewer: Viewer, context: Pick<Context, 'clientIp'>): Actor {
  return { accountId: viewer.accountId, subuserId: viewer.subuserId, clientIp: context.clientIp };
}
