import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { findTenant, listTenants } from '../../store/tenants';
import { requireAdmin } from '../auth-middleware';
import { decodeCursor, encodeCursor, invalidCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';
import { createTenant as createTenantRecord, mintApiKey, requireTenant } from '../../services/tenant-service';

const tenantView = z.object({ id: z.string(), name: z.string(), created_at: z.string() }).openapi('Tenant');
const toTenantView = (tenant: Tenant) => ({ id: tenant.id, name: tenant.name, created_at: tenant.created_at.toISOString() });

const createTenant = createRoute({
  method: 'post',
  path: '/api/v1/tenants',
  summary: 'Create a tenant (admin only)',
  request: jsonBody(z.object({ name: z.string().trim().min(1, "name the tenant, such as the customer's company name").max(200) }).strict()),
  responses: { 201: jsonResponse(tenantView, 'The new tenant.'), ...errorResponses },
});

const getTenants = createRoute({
  method: 'get',
  path: '/api/v1/tenants',
  summary: 'List tenants (admin sees all; a tenant key sees its own)',
  request: { query: paginationQuery },
  responses: { 200: jsonResponse(listOf(tenantView, 'TenantList'), 'Tenants, newest first.'), ...errorResponses },
});

const getTenant = createRoute({
  method: 'get',
  path: '/api/v1/tenants/{tenant_id}',
  request: { params: tenantIdParam },
  responses: { 200: jsonResponse(tenantView, 'The tenant.'), ...errorResponses },
});

const createApiKey = createRoute({
  method: 'post',
  path: '/api/v1/tenants/{tenant_id}/api-keys',
  summary: 'Create a tenant-scoped API key; the key is shown once',
  request: { params: tenantIdParam },
  responses: {
    201: jsonResponse(z.object({ id: z.string(), key: z.string(), hint: z.string() }).openapi('ApiKeyCreated'), 'The key, shown once.'),
    ...errorResponses,
  },
});

export function tenantRoutes(ctx: AppContext) {
  const router = newRouter();
  router.post('/api/v1/tenants', requireAdmin());

  router.openapi(createTenant, async (c) => {
    const tenant = await createTenantRecord(ctx, c.req.valid('json').name);
    return c.json(toTenantView(tenant), 201);
  });

  router.openapi(getTenants, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const principal = c.get('principal');
    if (principal.kind === 'tenant') {
      const own = await findTenant(ctx.store.db, principal.tenantId);
      return c.json({ data: own ? [toTenantView(own)] : [], next_cursor: null }, 200);
    }
    const after = cursor ? decodeCursor<{ created_at: string; id: string }>(cursor, ['created_at', 'id']) : undefined;
    // A hand-made cursor with an impossible time would fail inside the query; refuse it as a bad cursor.
    const afterYear = after && new Date(after.created_at).getUTCFullYear();
    if (after && !(afterYear! >= 1 && afterYear! <= 9999)) throw invalidCursor();
    const rows = await listTenants(ctx.store.db, {
      limit: limit + 1,
      after: after && { createdAt: new Date(after.created_at), id: after.id },
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeCursor({ created_at: last.created_at.toISOString(), id: last.id }) : null;
    return c.json({ data: page.map(toTenantView), next_cursor: next }, 200);
  });

  router.openapi(getTenant, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(toTenantView(await requireTenant(ctx, tenant_id)), 200);
  });

  router.openapi(createApiKey, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(await mintApiKey(ctx, tenant_id), 201);
  });

  return router;
}
