import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { resolveCustomer } from '../customers/customers-service';
import { captureInput, debitInput, grantInput, holdInput, unitField } from './credit-input';
import { ledgerEntryView } from './credit-views';
import {
  captureHold,
  creditBalances,
  creditLedgerPage,
  debitCredits,
  grantCreditsFromApi,
  placeHold,
  releaseHold,
  viewHold,
} from './credits-service';

const base = '/api/v1/tenants/{tenant_id}/customers/{customer}/credits';

const customerParams = tenantIdParam.extend({
  customer: z
    .string()
    .min(1)
    .max(210)
    .openapi({ param: { name: 'customer', in: 'path' }, example: 'ext:user_42', description: 'cust_… or ext:{external_id}' }),
});
const holdParams = customerParams.extend({
  hold_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'hold_id', in: 'path' }, example: 'chd_…' }),
});

const balanceSchema = z
  .object({
    unit: z.string(),
    available: z.number().openapi({ description: 'paid + granted: what a debit or hold can take now' }),
    paid: z.number(),
    granted: z.number(),
    held: z.number().openapi({ description: 'reserved by open holds, not spendable' }),
    next_expires_at: z.string().nullable(),
  })
  .openapi('CreditBalance');
const grantSchema = z
  .object({
    id: z.string(),
    object: z.literal('credit_grant'),
    customer: z.string(),
    unit: z.string(),
    kind: z.enum(['paid', 'granted']),
    amount: z.number(),
    remaining: z.number(),
    source: z.object({ type: z.string(), id: z.string().nullable() }),
    reason: z.string().nullable(),
    expires_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('CreditGrant');
const debitSchema = z
  .object({
    id: z.string(),
    object: z.literal('credit_debit'),
    customer: z.string(),
    unit: z.string(),
    amount: z.number(),
    paid: z.number().openapi({ description: 'how much of the amount came from paid credits' }),
    granted: z.number(),
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('CreditDebit');
const holdSchema = z
  .object({
    id: z.string(),
    object: z.literal('credit_hold'),
    customer: z.string(),
    unit: z.string(),
    amount: z.number(),
    status: z.enum(['held', 'captured', 'released', 'expired']),
    captured_amount: z.number().nullable(),
    expires_at: z.string(),
    settled_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('CreditHold');
const ledgerEntrySchema = z
  .object({
    id: z.string(),
    unit: z.string(),
    type: z.enum(['grant', 'debit', 'hold', 'capture', 'release', 'hold_expired', 'expire']),
    available_delta: z.number(),
    paid_delta: z.number(),
    granted_delta: z.number(),
    held_delta: z.number(),
    reference: z.object({ type: z.string(), id: z.string() }),
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('CreditLedgerEntry');

const conflict = {
  409: {
    description: '`insufficient_credits`, `idempotency_key_reused` or `hold_not_open`; the message says what to do.',
    content: errorResponses[422].content,
  },
};

const routes = {
  balances: createRoute({
    method: 'get',
    operationId: 'getCreditBalances',
    path: base,
    summary: 'Credit balances per unit, split into paid and granted, with what holds reserve',
    request: { params: customerParams },
    responses: { 200: jsonResponse(z.object({ data: z.array(balanceSchema) }).openapi('CreditBalances'), 'Balances.'), ...errorResponses },
  }),
  ledger: createRoute({
    method: 'get',
    operationId: 'listCreditLedger',
    path: `${base}/ledger`,
    summary: 'Every credit movement, newest first; the deltas of all entries add up to the balances',
    request: { params: customerParams, query: paginationQuery.extend({ unit: unitField.optional() }) },
    responses: { 200: jsonResponse(listOf(ledgerEntrySchema, 'CreditLedger'), 'Ledger entries.'), ...errorResponses },
  }),
  grant: createRoute({
    method: 'post',
    path: `${base}/grants`,
    summary:
      'Grant credits (goodwill, promotions, credits sold outside Stripe); the same idempotency_key again returns the first grant (200)',
    request: { params: customerParams, ...jsonBody(grantInput) },
    responses: {
      200: jsonResponse(grantSchema, 'Granted before with this idempotency_key; nothing new granted.'),
      201: jsonResponse(grantSchema, 'The grant.'),
      ...errorResponses,
      ...conflict,
    },
  }),
  debit: createRoute({
    method: 'post',
    path: `${base}/debits`,
    summary: 'Take credits, soonest-expiring first; 409 insufficient_credits rather than going negative',
    request: { params: customerParams, ...jsonBody(debitInput) },
    responses: { 201: jsonResponse(debitSchema, 'The debit (again for a repeated idempotency_key).'), ...errorResponses, ...conflict },
  }),
  hold: createRoute({
    method: 'post',
    path: `${base}/holds`,
    summary: 'Reserve credits for long work; capture or release later, or it releases itself after expires_in seconds',
    request: { params: customerParams, ...jsonBody(holdInput) },
    responses: { 201: jsonResponse(holdSchema, 'The hold (again for a repeated idempotency_key).'), ...errorResponses, ...conflict },
  }),
  getHold: createRoute({
    method: 'get',
    path: `${base}/holds/{hold_id}`,
    summary: 'One credit hold as it is now',
    request: { params: holdParams },
    responses: { 200: jsonResponse(holdSchema, 'The hold as it is now.'), ...errorResponses },
  }),
  capture: createRoute({
    method: 'post',
    path: `${base}/holds/{hold_id}/capture`,
    summary: 'Consume the hold (or `amount` of it); the rest goes back to the balance',
    request: { params: holdParams, body: { content: { 'application/json': { schema: captureInput } }, required: false } },
    responses: { 200: jsonResponse(holdSchema, 'The captured hold.'), ...errorResponses, ...conflict },
  }),
  release: createRoute({
    method: 'post',
    path: `${base}/holds/{hold_id}/release`,
    summary: 'Give all of the held credits back',
    request: { params: holdParams },
    responses: { 200: jsonResponse(holdSchema, 'The released hold.'), ...errorResponses, ...conflict },
  }),
};

/** Credits of a customer: balances, ledger, debits, holds and API grants (issue 15, "Credits"). */
export function creditRoutes(ctx: AppContext) {
  const router = newRouter();
  const customerOf = async (params: { tenant_id: string; customer: string }) =>
    (await resolveCustomer(ctx.store.db, params.tenant_id, params.customer)).id;

  router.openapi(routes.balances, async (c) => {
    const params = c.req.valid('param');
    return c.json({ data: await creditBalances(ctx, params.tenant_id, await customerOf(params)) }, 200);
  });

  router.openapi(routes.ledger, async (c) => {
    const params = c.req.valid('param');
    const { limit, cursor, unit } = c.req.valid('query');
    const before = readCursor(cursor);
    const customerId = await customerOf(params);
    const rows = await creditLedgerPage(ctx, params.tenant_id, customerId, {
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
      unit,
    });
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: page.rows.map(ledgerEntryView), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.grant, async (c) => {
    const params = c.req.valid('param');
    const { grant, created } = await grantCreditsFromApi(ctx, params.tenant_id, await customerOf(params), c.req.valid('json'));
    return created ? c.json(grant, 201) : c.json(grant, 200);
  });

  router.openapi(routes.debit, async (c) => {
    const params = c.req.valid('param');
    return c.json(await debitCredits(ctx, params.tenant_id, await customerOf(params), c.req.valid('json')), 201);
  });

  router.openapi(routes.hold, async (c) => {
    const params = c.req.valid('param');
    return c.json(await placeHold(ctx, params.tenant_id, await customerOf(params), c.req.valid('json')), 201);
  });

  router.openapi(routes.getHold, async (c) => {
    const params = c.req.valid('param');
    return c.json(await viewHold(ctx, params.tenant_id, await customerOf(params), params.hold_id), 200);
  });

  router.openapi(routes.capture, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
    return c.json(await captureHold(ctx, params.tenant_id, await customerOf(params), params.hold_id, body ?? {}), 200);
  });

  router.openapi(routes.release, async (c) => {
    const params = c.req.valid('param');
    return c.json(await releaseHold(ctx, params.tenant_id, await customerOf(params), params.hold_id), 200);
  });

  return router;
}
