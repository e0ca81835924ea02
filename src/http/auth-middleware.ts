import type { Context, MiddlewareHandler } from 'hono';
import { canAccessTenant, resolvePrincipal } from '../auth/principal';
import type { AppContext } from '../context';
import { AppError, notFound } from '../errors';
import type { HonoEnv } from './hono-env';
import { requestHeader } from './request-header';

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(c: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(requestHeader(c, 'authorization') ?? '')?.[1];
}

/** Requires `Authorization: Bearer <admin token or tenant API key>` and records who is calling. */
export function requireToken(ctx: AppContext): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token) {
      throw new AppError({
        code: 'unauthorized',
        status: 401,
        message: 'Send Authorization: Bearer <token> with the admin token or a tenant API key.',
      });
    }
    const principal = await resolvePrincipal(ctx, token);
    if (!principal) {
      throw new AppError({
        code: 'unauthorized',
        status: 401,
        message: 'The bearer token is not valid. Check for a typo or a revoked key; the admin token is printed once on first start.',
      });
    }
    c.set('principal', principal);
    await next();
  };
}

/** Route guard for /tenants/{tenant_id}/…: another tenant's resources are indistinguishable from missing ones. */
export function requireTenantAccess(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    const tenantId = c.req.param('tenant_id');
    if (tenantId && !canAccessTenant(c.get('principal'), tenantId)) throw notFound('tenant', tenantId);
    await next();
  };
}

export function requireAdmin(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (c.get('principal').kind !== 'admin') {
      throw new AppError({
        code: 'forbidden',
        status: 403,
        message: 'Only the admin token can do this; tenant API keys manage their own tenant only.',
      });
    }
    await next();
  };
}
