import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { requireCatalogImport, startCatalogImport } from './catalog-import-service';
import { listPrices, listProducts, priceView, productView, toPriceView, toProductView } from './catalog-service';

const connectionParams = tenantIdParam.extend({
  connection_id: z.string().openapi({ param: { name: 'connection_id', in: 'path' }, example: 'conn_…' }),
});
const importParams = connectionParams.extend({
  job_id: z.string().openapi({ param: { name: 'job_id', in: 'path' }, example: 'cimp_…' }),
});
const base = '/api/v1/tenants/{tenant_id}/connections/{connection_id}';

const importView = z
  .object({
    id: z.string(),
    job_id: z.string(),
    connection_id: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    phase: z.enum(['products', 'prices', 'done']),
    products: z.number(),
    prices: z.number(),
    done: z.number(),
    total: z.number().nullable(),
    changed: z.number(),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi('CatalogImport');

const flag = (name: string) =>
  z
    .enum(['true', 'false'], { message: `${name} must be true or false` })
    .transform((value) => value === 'true')
    .optional();
const search = z
  .string()
  .trim()
  .min(1, 'q must not be empty; omit it to list everything')
  .max(200, 'q is at most 200 characters')
  .optional();

const routes = {
  startImport: createRoute({
    method: 'post',
    path: `${base}/catalog/import`,
    summary:
      "Import the connection's Stripe products and prices (a job; poll its progress). Returns the running import if one is under way",
    request: { params: connectionParams },
    responses: { 202: jsonResponse(importView, 'The import job, with job_id to poll.'), ...errorResponses },
  }),
  getImport: createRoute({
    method: 'get',
    path: `${base}/catalog/import/{job_id}`,
    summary: 'Progress of a catalog import: status, products and prices stored, done of total',
    request: { params: importParams },
    responses: { 200: jsonResponse(importView, 'The import.'), ...errorResponses },
  }),
  products: createRoute({
    method: 'get',
    path: `${base}/products`,
    summary: 'Products of the connected account as last imported or changed by events, deleted ones included (deleted: true)',
    request: {
      params: connectionParams,
      query: paginationQuery.extend({ active: flag('active'), deleted: flag('deleted'), q: search }),
    },
    responses: { 200: jsonResponse(listOf(productView, 'CatalogProductList'), 'Products, newest first.'), ...errorResponses },
  }),
  prices: createRoute({
    method: 'get',
    path: `${base}/prices`,
    summary: 'Prices of the connected account, filtered by active, product, type or a name (nickname or product name)',
    request: {
      params: connectionParams,
      query: paginationQuery.extend({
        active: flag('active'),
        deleted: flag('deleted'),
        product: z.string().min(1).max(100).optional(),
        type: z.enum(['one_time', 'recurring'], { message: 'type must be one_time or recurring' }).optional(),
        q: search,
      }),
    },
    responses: { 200: jsonResponse(listOf(priceView, 'CatalogPriceList'), 'Prices, newest first.'), ...errorResponses },
  }),
};

const importBody = (view: Awaited<ReturnType<typeof requireCatalogImport>>) => ({ ...view, job_id: view.id });

/** Catalog import and the product and price lists of one connection. */
export function catalogRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.startImport, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const { view } = await startCatalogImport(ctx, tenant_id, connection_id);
    return c.json(importBody(view), 202);
  });

  router.openapi(routes.getImport, async (c) => {
    const { tenant_id, connection_id, job_id } = c.req.valid('param');
    return c.json(importBody(await requireCatalogImport(ctx, tenant_id, connection_id, job_id)), 200);
  });

  router.openapi(routes.products, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const { limit, cursor, active, deleted, q } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listProducts(
      ctx,
      tenant_id,
      { connectionId: connection_id, active, deleted, search: q },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.stripe_created), id: row.stripe_id }));
    return c.json({ data: page.rows.map(toProductView), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.prices, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const { limit, cursor, active, deleted, product, type, q } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listPrices(
      ctx,
      tenant_id,
      { connectionId: connection_id, active, deleted, productId: product, type, search: q },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.stripe_created), id: row.stripe_id }));
    return c.json({ data: page.rows.map(toPriceView), next_cursor: page.nextCursor }, 200);
  });

  return router;
}
