import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { createCustomerInput } from './customer-input';
import { customerView } from './customer-view';
import { createCustomer, listCustomers, resolveCustomer, viewCustomer, viewCustomers } from './customers-service';

const base = '/api/v1/tenants/{tenant_id}/customers';

/** `{customer}` in paths: the Paybridge id or `ext:{external_id}`. */
export const customerParams = tenantIdParam.extend({
  customer: z
    .string()
    .min(1)
    .max(210)
    .openapi({ param: { name: 'customer', in: 'path' }, example: 'ext:user_42', description: 'cust_… or ext:{external_id}' }),
});

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: "Create a customer keyed by the platform's external_id; creating again returns the same customer (200)",
    request: { params: tenantIdParam, ...jsonBody(createCustomerInput) },
    responses: {
      200: jsonResponse(customerView, 'The customer already existed with this external_id; returned unchanged.'),
      201: jsonResponse(customerView, 'The new customer.'),
      ...errorResponses,
    },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Customers, newest first; `search` matches an email prefix or an exact external_id',
    request: {
      params: tenantIdParam,
      query: paginationQuery.extend({ search: z.string().trim().min(1).max(254).optional() }),
    },
    responses: { 200: jsonResponse(listOf(customerView, 'CustomerList'), 'Customers.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{customer}`,
    summary: 'One customer, by id or by ext:{external_id}',
    request: { params: customerParams },
    responses: { 200: jsonResponse(customerView, 'The customer.'), ...errorResponses },
  }),
};

export function customerRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.create, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { customer, created } = await createCustomer(ctx, tenant_id, c.req.valid('json'));
    return created ? c.json(customer, 201) : c.json(customer, 200);
  });

  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, search } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listCustomers(ctx.store.db, tenant_id, {
      search,
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
    });
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: await viewCustomers(ctx.store.db, page.rows), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, customer } = c.req.valid('param');
    return c.json(await viewCustomer(ctx.store.db, await resolveCustomer(ctx.store.db, tenant_id, customer)), 200);
  });

  return router;
}
