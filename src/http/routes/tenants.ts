import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { createApiKey, listApiKeys, revokeTenantApiKey } from '../../services/api-key-service';
import type { Tenant } from '../../store/schema';
import { requireAdmin } from '../auth-middleware';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';
import {
  createTenant as createTenantRecord,
  deleteTenant,
  findTenantById,
  listTenantPage,
  renameTenant,
  requireTenant,
} from '../../services/tenant-service';

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
  summary: 'One tenant',
  request: { params: tenantIdParam },
  responses: { 200: jsonResponse(tenantView, 'The tenant.'), ...errorResponses },
});

const renameTenantRoute = createRoute({
  method: 'patch',
  path: '/api/v1/tenants/{tenant_id}',
  summary: 'Rename a tenant (admin only)',
  request: {
    params: tenantIdParam,
    ...jsonBody(z.object({ name: z.string().trim().min(1, "name the tenant, such as the customer's company name").max(200) }).strict()),
  },
  responses: { 200: jsonResponse(tenantView, 'The renamed tenant.'), ...errorResponses },
});

const deleteTenantRoute = createRoute({
  method: 'delete',
  path: '/api/v1/tenants/{tenant_id}',
  summary: 'Delete a tenant (admin only): refused with 409 while it has connected connections or open invoices',
  description:
    'A soft delete: the tenant answers 404 from then on and its API keys are revoked, while its invoices, payments, events and mail stay in the database as history. Disconnect its connections and void or settle its open invoices first.',
  request: { params: tenantIdParam },
  responses: {
    200: jsonResponse(
      z.object({ id: z.string(), deleted: z.literal(true), revoked_api_keys: z.number().int() }).openapi('TenantDeleted'),
      'The tenant is deleted; its history is kept.',
    ),
    ...errorResponses,
  },
});

const apiKeyView = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    hint: z.string().openapi({ example: 'pb_key_…x4Qa' }),
    created_at: z.string(),
    last_used_at: z.string().nullable().openapi({ description: 'updated at most once a minute' }),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey');

const createApiKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/tenants/{tenant_id}/api-keys',
  summary: 'Create a tenant-scoped API key (admin only); the key is shown once',
  request: {
    params: tenantIdParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({ name: z.string().trim().min(1).max(100, 'name the key in up to 100 characters').optional() }).strict(),
        },
      },
      required: false,
    },
  },
  responses: {
    201: jsonResponse(apiKeyView.extend({ key: z.string() }).openapi('ApiKeyCreated'), 'The key, shown once.'),
    ...errorResponses,
  },
});

const listApiKeysRoute = createRoute({
  method: 'get',
  path: '/api/v1/tenants/{tenant_id}/api-keys',
  summary: "The tenant's API keys (name, hint, created, last used, revoked), newest first; never the keys themselves",
  request: { params: tenantIdParam },
  responses: { 200: jsonResponse(z.object({ data: z.array(apiKeyView) }).openapi('ApiKeyList'), 'Keys.'), ...errorResponses },
});

const revokeApiKeyRoute = createRoute({
  method: 'post',
  path: '/api/v1/tenants/{tenant_id}/api-keys/{key_id}/revoke',
  summary: 'Revoke an API key at once, with its dashboard sessions',
  request: { params: tenantIdParam.extend({ key_id: z.string().openapi({ param: { name: 'key_id', in: 'path' }, example: 'key_…' }) }) },
  responses: { 200: jsonResponse(apiKeyView, 'The revoked key.'), ...errorResponses },
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
      readCursor(cursor);
      const own = await findTenantById(ctx, principal.tenantId);
      return c.json({ data: own ? [toTenantView(own)] : [], next_cursor: null }, 200);
    }
    const after = readCursor(cursor);
    const rows = await listTenantPage(ctx, { limit: limit + 1, after: after && { createdAt: after.at, id: after.id } });
    const page = pageOf(rows, limit, (row) => ({ at: row.created_at, id: row.id }));
    return c.json({ data: page.rows.map(toTenantView), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(getTenant, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(toTenantView(await requireTenant(ctx, tenant_id)), 200);
  });

  router.patch('/api/v1/tenants/:tenant_id', requireAdmin());
  router.openapi(renameTenantRoute, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(toTenantView(await renameTenant(ctx, tenant_id, c.req.valid('json').name)), 200);
  });

  router.delete('/api/v1/tenants/:tenant_id', requireAdmin());
  router.openapi(deleteTenantRoute, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { tenant, revokedApiKeys } = await deleteTenant(ctx, tenant_id);
    return c.json({ id: tenant.id, deleted: true as const, revoked_api_keys: revokedApiKeys }, 200);
  });

  // Only the admin mints keys: a leaked tenant key could otherwise mint replacements that outlive
  // its own revocation. A tenant key may list its tenant's keys and revoke them (itself included),
  // which can take access away but never grant it.
  router.post('/api/v1/tenants/:tenant_id/api-keys', requireAdmin());
  router.openapi(createApiKeyRoute, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
    const { key, view } = await createApiKey(ctx, tenant_id, body?.name);
    return c.json({ ...view, key }, 201);
  });

  router.openapi(listApiKeysRoute, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json({ data: await listApiKeys(ctx, tenant_id) }, 200);
  });

  router.openapi(revokeApiKeyRoute, async (c) => {
    const { tenant_id, key_id } = c.req.valid('param');
    return c.json(await revokeTenantApiKey(ctx, tenant_id, key_id), 200);
  });

  return router;
}
