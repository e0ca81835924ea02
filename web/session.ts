import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal } from '../src/auth/principal';
import type { AppContext } from '../src/context';
import { closeDashboardSession, findDashboardSession, openDashboardSession } from '../src/auth/dashboard-sessions';
import type { Tenant } from '../src/store/schema';

/** Twelve hours: a working day, after which the token must be pasted again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface DashboardEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    csrf: string;
    sessionHash: string;
    /** Set on every /dashboard/tenants/:tid page once access is checked. */
    tenant: Tenant;
  };
}

export type DashContext = Context<DashboardEnv>;

/** Cookie settings derived once from the public URL: `Secure` (and the `__Host-` prefix) under https. */
export function cookieSettings(ctx: AppContext) {
  const secure = new URL(ctx.config.publicUrl).protocol === 'https:';
  return {
    secure,
    sessionName: secure ? '__Host-pb_session' : 'pb_session',
    // `__Host-` demands Path=/; the sign-in cookie is scoped to /dashboard, so it takes `__Secure-`.
    signInName: secure ? '__Secure-pb_signin' : 'pb_signin',
  };
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A state-changing request must come from a page of this dashboard: the Origin (or, when a browser
 * omits it, the Referer) must be this server's own origin or the configured public URL's origin.
 * A cross-site `Sec-Fetch-Site` is refused outright.
 */
export function fromOwnOrigin(c: Context, publicUrl: string): boolean {
  if (c.req.header('sec-fetch-site') === 'cross-site') return false;
  const allowed = new Set([new URL(c.req.url).origin, new URL(publicUrl).origin]);
  const origin = c.req.header('origin');
  if (origin) return allowed.has(origin);
  const referer = c.req.header('referer');
  if (!referer) return false;
  try {
    return allowed.has(new URL(referer).origin);
  } catch {
    return false;
  }
}

/** Starts a session for a principal and sets its cookie; only the session id's hash is stored. */
export async function startSession(ctx: AppContext, c: Context, principal: Principal): Promise<void> {
  const { id } = await openDashboardSession(ctx, principal, SESSION_TTL_MS);
  const { secure, sessionName } = cookieSettings(ctx);
  // Lax, not Strict: coming back from Stripe's (or the sandbox's) hosted page is a cross-site
  // navigation, and Strict would show the sign-in page there. Every POST is CSRF-checked anyway.
  setCookie(c, sessionName, id, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: SESSION_TTL_MS / 1000 });
}

export async function endSession(ctx: AppContext, c: DashContext): Promise<void> {
  await closeDashboardSession(ctx, c.get('sessionHash'));
  const { secure, sessionName } = cookieSettings(ctx);
  deleteCookie(c, sessionName, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}

/**
 * Loads the session behind the cookie; without one, a GET is sent to the sign-in page and anything
 * else is refused with 401. Every non-GET must also carry the session's CSRF token and come from
 * this origin (403 otherwise).
 */
export function requireSession(
  ctx: AppContext,
  refuse: (c: DashContext, status: 401 | 403, message: string) => Response | Promise<Response>,
): MiddlewareHandler<DashboardEnv> {
  const { sessionName } = cookieSettings(ctx);
  return async (c, next) => {
    const id = getCookie(c, sessionName);
    const found = id ? await findDashboardSession(ctx, id) : undefined;
    if (!found) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const next = encodeURIComponent(c.req.path);
        return c.redirect(`/dashboard/sign-in?next=${next}`, 303);
      }
      return refuse(c, 401, 'Your session has ended or you are not signed in. Sign in again and repeat the action.');
    }
    const { session, idHash } = found;
    c.set('sessionHash', idHash);
    c.set('csrf', session.csrf_token);
    c.set(
      'principal',
      session.principal_kind === 'admin'
        ? { kind: 'admin' }
        : { kind: 'tenant', tenantId: session.tenant_id!, apiKeyId: session.api_key_id! },
    );
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (!fromOwnOrigin(c, ctx.config.publicUrl)) {
        return refuse(c, 403, 'This form was sent from another site, so it was refused. Open the dashboard directly and try again.');
      }
      const body = await c.req.parseBody();
      const sent = typeof body._csrf === 'string' ? body._csrf : '';
      if (!sameSecret(sent, session.csrf_token)) {
        return refuse(
          c,
          403,
          'The form had expired or was not sent from this dashboard, so nothing was changed. Reload the page and try again.',
        );
      }
    }
    await next();
  };
}
