import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { newRouter } from '../../http/router';
import { errorResponses, jsonResponse } from '../../http/schemas';
import { customerParams } from '../customers/routes';
import { resolveCustomer } from '../customers/customers-service';
import { checkEntitlement, entitlementHistory, listActiveEntitlements } from './entitlements-service';

const base = '/api/v1/tenants/{tenant_id}/customers/{customer}/entitlements';
const value = z.union([z.boolean(), z.number()]);
const source = z.object({ type: z.string(), id: z.string() });

const entitlementList = z
  .object({
    data: z.array(
      z.object({
        key: z.string(),
        status: z.enum(['active', 'grace']),
        value,
        source,
        active_until: z.string().nullable(),
        reason: z.string(),
      }),
    ),
  })
  .openapi('EntitlementList');

const entitlementCheck = z
  .object({
    key: z.string(),
    granted: z.boolean(),
    value: value.openapi({ description: '`true`, an integer limit set on the plan, or `false` when not granted.' }),
    reason: z.string(),
    until: z.string().nullable(),
    sources: z.array(source.extend({ status: z.enum(['active', 'grace']), active_until: z.string().nullable() })),
    as_of: z.string().nullable().openapi({ description: 'When the newest Stripe event this answer reflects was created.' }),
  })
  .openapi('EntitlementCheck');

const history = z
  .object({
    data: z.array(
      z.object({
        key: z.string(),
        change: z.enum(['granted', 'grace', 'revoked']),
        source,
        reason: z.string(),
        stripe_event_id: z.string().nullable(),
        at: z.string().nullable(),
      }),
    ),
  })
  .openapi('EntitlementHistory');

const routes = {
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'What the customer may do now, by source',
    request: { params: customerParams },
    responses: { 200: jsonResponse(entitlementList, 'Granted entitlements.'), ...errorResponses },
  }),
  history: createRoute({
    method: 'get',
    operationId: 'listEntitlementHistory',
    path: `${base}-history`,
    summary: 'Every grant and revoke of the customer, newest first, with its reason',
    request: { params: customerParams },
    responses: { 200: jsonResponse(history, 'The last 100 changes.'), ...errorResponses },
  }),
  check: createRoute({
    method: 'get',
    path: `${base}/{key}`,
    summary: 'May the customer use this? Says why, until when, and how fresh the answer is (one indexed read)',
    request: {
      params: customerParams.extend({
        key: z
          .string()
          .min(1)
          .max(100)
          .openapi({ param: { name: 'key', in: 'path' }, example: 'pro' }),
      }),
    },
    responses: { 200: jsonResponse(entitlementCheck, 'The answer.'), ...errorResponses },
  }),
};

export function entitlementRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(routes.check, async (c) => {
    const { tenant_id, customer, key } = c.req.valid('param');
    return c.json(await checkEntitlement(ctx.store.db, tenant_id, customer, key, ctx.now()), 200);
  });
  router.openapi(routes.list, async (c) => {
    const { tenant_id, customer } = c.req.valid('param');
    const row = await resolveCustomer(ctx.store.db, tenant_id, customer);
    return c.json({ data: await listActiveEntitlements(ctx.store.db, row.id, ctx.now()) }, 200);
  });
  router.openapi(routes.history, async (c) => {
    const { tenant_id, customer } = c.req.valid('param');
    const row = await resolveCustomer(ctx.store.db, tenant_id, customer);
    return c.json({ data: await entitlementHistory(ctx.store.db, row.id) }, 200);
  });
  return router;
}
