import type { YogaInitialContext } from 'graphql-yoga';
import type { PanelSection, Role } from '../access/matrix.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Session, SessionManager } from '../auth/sessions.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { RequestLoaders } from './loaders.js';

/** Long-lived services shared by every request. */
export interface AppServices {
  config: Config;
  logger: Logger;
  db: Database;
  sessions: SessionManager;
  rateLimiter: RateLimiter;
}

/** The authenticated principal of a request. */
export interface Viewer {
  session: Session;
  accountId: string;
  /** Null when the main account itself is logged in. */
  subuserId: string | null;
  isMainAccount: boolean;
  roles: readonly Role[];
  sections: ReadonlySet<PanelSection>;
}

/** Per-request fields that panel-api adds to yoga's own context. */
export interface RequestContext {
  services: AppServices;
  clientIp: string;
  /** DataLoaders for the lists nested in applications, new for each request. */
  loaders: RequestLoaders;
  /** Resolves the request's session once, on first use, to null when it has none or it expired. */
  getViewer(): Promise<Viewer | null>;
  /**
   * Returns the viewer after getViewer() has settled, and undefined before. It is a function, not a
   * property, because yoga copies the context object with Object.assign, and a property written
   * later would never reach the copy.
   */
  peekViewer(): Viewer | null | undefined;
  /** Tells whether the request carried a session_id, valid or not, once getViewer() has settled. */
  sentSessionToken(): boolean;
  setSessionCookie(token: string, expiresAt: number): Promise<void>;
  clearSessionCookie(): Promise<void>;
}

export type Context = YogaInitialContext & RequestContext;
