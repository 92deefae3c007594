import type { YogaInitialContext } from 'graphql-yoga';
import type { AppServices, RequestContext, Viewer } from './context.js';
import { clientIpOf } from '../http/client-ip.js';
import { RequestLoaders } from './loaders.js';
import { viewerFromSession } from './viewer.js';
import type { NodeServerContext } from './yoga.js';

const BEARER_PATTERN = /^Bearer\s+(\S+)$/i;

async function sessionTokenOf(request: Request, cookieName: string): Promise<string | null> {
  const bearer = request.headers.get('authorization')?.match(BEARER_PATTERN)?.[1];
  if (bearer) return bearer;
  const cookie = await request.cookieStore?.get(cookieName);
  return cookie?.value ?? null;
}

/** Builds each request's context. The session is looked up lazily, on the first guarded field. */
export function createContextFactory(services: AppServices) {
  const { config } = services;
  const secureCookie = new URL(config.PUBLIC_URL).protocol === 'https:';

  return async (initial: YogaInitialContext & Partial<NodeServerContext>): Promise<RequestContext> => {
    const { request } = initial;
    // Yoga copies the returned fields into its own context object, so state lives in this closure.
    let viewerPromise: Promise<Viewer | null> | undefined;
    let resolvedViewer: Viewer | null | undefined;
    let sentToken = false;

    const writeSessionCookie = async (value: string, expires: number) => {
      await request.cookieStore?.set({
        name: config.SESSION_COOKIE_NAME,
        value,
        expires,
        path: '/',
        domain: null,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie,
      });
    };

    return {
      services,
      clientIp: clientIpOf(initial.req?.socket.remoteAddress, request.headers.get('x-forwarded-for'), config.TRUST_PROXY),
      loaders: new RequestLoaders(services.db),
      peekViewer: () => resolvedViewer,
      sentSessionToken: () => sentToken,
      getViewer: () => {
        viewerPromise ??= (async () => {
          const token = await sessionTokenOf(request, config.SESSION_COOKIE_NAME);
          sentToken = token !== null;
          const session = token ? await services.sessions.validate(token) : null;
          const viewer = session ? viewerFromSession(session) : null;
          resolvedViewer = viewer;
          return viewer;
        })();
        return viewerPromise;
      },
      setSessionCookie: (token, expiresAt) => writeSessionCookie(token, expiresAt),
      // The same attributes as when it was set, with an expiry in the past.
      clearSessionCookie: () => writeSessionCookie('', 0),
    };
  };
}
