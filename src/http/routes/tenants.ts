import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { generateToken, hashToken, secretHint } from '../../crypto/tokens';
import { notFound } from '../../errors';
import { insertApiKey } from '../../store/api-keys';
import type { Tenant } from '../../store/schema';
import { findTenant, insertTenant, listTenants } from '../../store/tenants';
import { requireAdmin } from '../auth-middleware';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';

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
    const tenant = await insertTenant(ctx.store.db, c.req.valid('json').name);
    return c.json(toTenantView(tenant), 201);
  });

  router.openapi(getTenants, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const principal = c.get('principal');
    if (principal.kind === 'tenant') {
      readCursor(cursor);
      const own = await findTenant(ctx.store.db, principal.tenantId);
      return c.json({ data: own ? [toTenantView(own)] : [], next_cursor: null }, 200);
    }
    const after = readCursor(cursor);
    const rows = await listTenants(ctx.store.db, { limit: limit + 1, after: after && { createdAt: after.at, id: after.id } });
    const page = pageOf(rows, limit, (row) => ({ at: row.created_at, id: row.id }));
    return c.json({ data: page.rows.map(toTenantView), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(getTenant, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const tenant = await findTenant(ctx.store.db, tenant_id);
    if (!tenant) throw notFound('tenant', tenant_id);
    return c.json(toTenantView(tenant), 200);
  });

  router.openapi(createApiKey, async (c) => {
    const { tenant_id } = c.req.valid('param');
    if (!(await findTenant(ctx.store.db, tenant_id))) throw notFound('tenant', tenant_id);
    const key = generateToken('pb_key');
    const row = await insertApiKey(ctx.store.db, { tenantId: tenant_id, tokenHash: hashToken(key), hint: secretHint(key) });
    return c.json({ id: row.id, key, hint: row.hint }, 201);
  });

  return router;
}
