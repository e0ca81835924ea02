import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { waitersOf } from './long-poll';
import { createPaymentRequestInput, PAYMENT_REQUEST_STATUSES } from './payment-request-input';
import {
  cancelPaymentRequest,
  createPaymentRequest,
  listPaymentRequests,
  refreshPaymentRequest,
  requirePaymentRequest,
  viewPaymentRequest,
} from './payment-request-service';

const statusEnum = z.enum(PAYMENT_REQUEST_STATUSES);

const paymentRequestSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_request'),
    status: statusEnum,
    method: z.enum(['payment_link', 'payment_intent']),
    connection_id: z.string(),
    amount: z.number().int(),
    amount_display: z.string(),
    currency: z.string(),
    description: z.string().nullable(),
    customer: z.object({ email: z.string().optional(), name: z.string().optional() }).nullable(),
    flow_id: z.string().nullable(),
    return_url: z.string().nullable(),
    url: z.string().nullable().openapi({ description: 'the hosted payment page (method payment_link)' }),
    checkout_session_id: z.string().nullable(),
    payment_intent_id: z.string().nullable(),
    charge_id: z.string().nullable(),
    failure: z.string().nullable(),
    overpaid: z.boolean().openapi({ description: 'a second payment (or one after cancel/expiry) arrived: refund it' }),
    amount_refunded: z.number().int().openapi({ description: 'minor units refunded so far (pending and succeeded refunds)' }),
    amount_refunded_display: z.string(),
    stalled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('PaymentRequest');

const createdSchema = paymentRequestSchema
  .extend({
    client_secret: z.string().optional().openapi({ description: 'method payment_intent only; returned by create alone, never again' }),
  })
  .openapi('CreatedPaymentRequest');

const requestParams = tenantIdParam.extend({
  payment_request_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'payment_request_id', in: 'path' }, example: 'preq_…' }),
});

const getQuery = z
  .object({
    refresh: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .openapi({ description: "re-read the Stripe objects before answering (a customer's return page)" }),
    wait: z.coerce
      .number()
      .int('must be a whole number of seconds')
      .min(0, 'must be between 0 and 60 seconds')
      .max(60, 'must be between 0 and 60 seconds')
      .optional()
      .openapi({ description: 'long-poll: wait up to this many seconds for the status to differ from known_status' }),
    known_status: statusEnum.optional().openapi({ description: 'the status the caller already knows (required with wait)' }),
  })
  .refine((query) => (query.wait ?? 0) === 0 || query.known_status !== undefined, {
    message: 'known_status is required with wait: pass the status you already have, such as known_status=pending',
    path: ['known_status'],
  });

const base = '/api/v1/tenants/{tenant_id}/payment-requests';
const conflict = {
  409: {
    description: 'The request or its connection does not allow this; the message says what to do.',
    content: errorResponses[422].content,
  },
};

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: 'Create a payment request a flow can wait on (hosted page URL, or a client_secret for your app)',
    request: { params: tenantIdParam, ...jsonBody(createPaymentRequestInput) },
    responses: { 201: jsonResponse(createdSchema, 'The pending request.'), ...errorResponses, ...conflict },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Payment requests, newest first',
    request: {
      params: tenantIdParam,
      query: paginationQuery.extend({ status: statusEnum.optional(), flow_id: z.string().min(1).max(200).optional() }),
    },
    responses: { 200: jsonResponse(listOf(paymentRequestSchema, 'PaymentRequestList'), 'Payment requests.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{payment_request_id}`,
    summary: 'A payment request; ?refresh=true re-reads Stripe; ?wait=30&known_status=pending long-polls for a change',
    request: { params: requestParams, query: getQuery },
    responses: { 200: jsonResponse(paymentRequestSchema, 'The payment request.'), ...errorResponses },
  }),
  cancel: createRoute({
    method: 'post',
    path: `${base}/{payment_request_id}/cancel`,
    summary: 'Cancel a request that is not final: the payment intent is canceled, or the checkout session expired',
    request: { params: requestParams },
    responses: { 200: jsonResponse(paymentRequestSchema, 'The canceled request.'), ...errorResponses, ...conflict },
  }),
};

export function paymentRequestRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.create, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(await createPaymentRequest(ctx, tenant_id, c.req.valid('json')), 201);
  });

  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, status, flow_id } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listPaymentRequests(
      ctx,
      { tenantId: tenant_id, status, flowId: flow_id },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: page.rows.map(viewPaymentRequest), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, payment_request_id } = c.req.valid('param');
    const { refresh, wait, known_status } = c.req.valid('query');
    let request = refresh === 'true' ? await refreshPaymentRequest(ctx, tenant_id, payment_request_id) : undefined;
    if (wait && known_status) {
      // Waiting holds no database connection, so it does not count against the key's concurrency limit.
      c.get('releaseKeySlot')?.();
      request = await waitersOf(ctx).wait(tenant_id, payment_request_id, known_status, wait * 1000, c.req.raw.signal);
    }
    request ??= await requirePaymentRequest(ctx, tenant_id, payment_request_id);
    return c.json(viewPaymentRequest(request), 200);
  });

  router.openapi(routes.cancel, async (c) => {
    const { tenant_id, payment_request_id } = c.req.valid('param');
    return c.json(viewPaymentRequest(await cancelPaymentRequest(ctx, tenant_id, payment_request_id)), 200);
  });

  return router;
}
