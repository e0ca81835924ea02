import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { customerParams } from '../customers/routes';
import { resolveCustomer } from '../customers/customers-service';
import { subscriptionView, toSubscriptionView } from './subscription-view';
import {
  cancelSubscription,
  changeSubscriptionPlan,
  createPortalSession,
  listSubscriptions,
  requireSubscription,
  subscriptionPayments,
} from './subscriptions-service';

const base = '/api/v1/tenants/{tenant_id}/subscriptions';
const subscriptionParams = tenantIdParam.extend({
  subscription_id: z.string().openapi({ param: { name: 'subscription_id', in: 'path' }, example: 'psub_…' }),
});
const conflict = {
  409: { description: 'The subscription cannot change now; the message says why.', content: errorResponses[422].content },
};
const returnUrl = z
  .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as https://platform.example/account' })
  .max(2000);

const payment = z.object({
  invoice: z.string(),
  outcome: z.enum(['paid', 'failed']),
  attempt: z.number(),
  billing_reason: z.string().nullable(),
  amount: z.number().openapi({ description: 'minor units' }),
  currency: z.string(),
  failure: z.string().nullable(),
  at: z.string(),
});
const subscriptionDetail = subscriptionView.extend({ payments: z.array(payment) }).openapi('SubscriptionDetail');

const routes = {
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Subscriptions, newest first; filter by customer (cust_… or ext:…) and status',
    request: {
      params: tenantIdParam,
      query: paginationQuery.extend({ customer: z.string().min(1).max(210).optional(), status: z.string().min(1).max(40).optional() }),
    },
    responses: { 200: jsonResponse(listOf(subscriptionView, 'SubscriptionList'), 'Subscriptions.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{subscription_id}`,
    summary: 'One subscription with its recorded payments',
    request: { params: subscriptionParams },
    responses: { 200: jsonResponse(subscriptionDetail, 'The subscription with its recorded payments.'), ...errorResponses },
  }),
  cancel: createRoute({
    method: 'post',
    path: `${base}/{subscription_id}/cancel`,
    summary: "Cancel in Stripe now, or at the period's end (access lasts until then); the state follows Stripe's event",
    request: { params: subscriptionParams, ...jsonBody(z.object({ at_period_end: z.boolean() }).strict()) },
    responses: { 200: jsonResponse(subscriptionView, 'The subscription as stored when asked.'), ...errorResponses, ...conflict },
  }),
  changePlan: createRoute({
    method: 'post',
    path: `${base}/{subscription_id}/change-plan`,
    summary: "Switch the subscription to another plan's price in Stripe; plan and entitlements follow Stripe's event",
    request: { params: subscriptionParams, ...jsonBody(z.object({ plan_id: z.string().min(1).max(100) }).strict()) },
    responses: { 200: jsonResponse(subscriptionView, 'The subscription as stored when asked.'), ...errorResponses, ...conflict },
  }),
  portal: createRoute({
    method: 'post',
    path: '/api/v1/tenants/{tenant_id}/customers/{customer}/portal-sessions',
    summary: "Open Stripe's customer portal for the customer (manage subscription, card, cancel)",
    request: {
      params: customerParams,
      ...jsonBody(z.object({ return_url: returnUrl, connection_id: z.string().min(1).max(100).optional() }).strict()),
    },
    responses: {
      201: jsonResponse(z.object({ url: z.string(), connection_id: z.string() }).openapi('PortalSession'), 'Send the customer to url.'),
      ...errorResponses,
    },
  }),
};

export function subscriptionRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, customer, status } = c.req.valid('query');
    const before = readCursor(cursor);
    const customerId = customer ? (await resolveCustomer(ctx.store.db, tenant_id, customer)).id : undefined;
    const rows = await listSubscriptions(
      ctx,
      { tenantId: tenant_id, customerId, status },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: page.rows.map(toSubscriptionView), next_cursor: page.nextCursor }, 200);
  });
  router.openapi(routes.get, async (c) => {
    const { tenant_id, subscription_id } = c.req.valid('param');
    const sub = await requireSubscription(ctx, tenant_id, subscription_id);
    return c.json({ ...toSubscriptionView(sub), payments: await subscriptionPayments(ctx, sub) }, 200);
  });
  router.openapi(routes.cancel, async (c) => {
    const { tenant_id, subscription_id } = c.req.valid('param');
    return c.json(await cancelSubscription(ctx, tenant_id, subscription_id, c.req.valid('json').at_period_end), 200);
  });
  router.openapi(routes.changePlan, async (c) => {
    const { tenant_id, subscription_id } = c.req.valid('param');
    return c.json(await changeSubscriptionPlan(ctx, tenant_id, subscription_id, c.req.valid('json').plan_id), 200);
  });
  router.openapi(routes.portal, async (c) => {
    const { tenant_id, customer } = c.req.valid('param');
    return c.json(await createPortalSession(ctx, tenant_id, customer, c.req.valid('json')), 201);
  });
  return router;
}
