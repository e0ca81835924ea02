import { invalidRequest, noSuch } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  rangeFilter,
  requiredString,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub, previousAttributes, snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { discountsFromParams, emitDiscountsCreated } from '../billing/subscription-create';
import {
  assertStatus,
  attemptInvoicePayment,
  invoicePayments,
  finalizeInvoice,
  markInvoicePaid,
  markUncollectible,
  sendInvoice,
  setInvoiceDaysUntilDue,
  voidInvoice,
} from '../billing/invoice-actions';
import {
  addItemToInvoice,
  buildInvoice,
  invoiceLines,
  invoiceSubscriptionId,
  pendingInvoiceItems,
  recomputeInvoice,
} from '../billing/invoice-build';
import { upcomingInvoice } from '../billing/upcoming';
import { findCustomer } from './customers';
import { resolvePaymentMethod } from './payment-methods';

export function findInvoice(ctx: ApiContext, id: string, param = 'invoice'): StripeObject {
  const invoice = ctx.sandbox.store.get(ctx.scope, 'invoice', id);
  if (!invoice || invoice.deleted) throw noSuch('invoice', id, param);
  return invoice;
}

function emitUpdated(ctx: ApiContext, invoice: StripeObject, before: Json): void {
  const previous = previousAttributes(before, invoice);
  if (Object.keys(previous).length > 0)
    ctx.sandbox.emit(ctx.scope, 'invoice.updated', invoice, { previousAttributes: previous, request: ctx.request });
}

function createInvoice(ctx: ApiContext): StripeObject {
  const params = ctx.params;
  const customer = findCustomer(ctx, requiredString(params, 'customer'), 'customer');
  const at = billingNow(ctx.sandbox, ctx.scope, customer.id);
  const subscriptionId = optionalString(params, 'subscription');
  const subscription = subscriptionId ? ctx.sandbox.store.get(ctx.scope, 'subscription', subscriptionId) : undefined;
  if (subscriptionId && !subscription) throw noSuch('subscription', subscriptionId, 'subscription');
  const collection = optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ?? 'charge_automatically';
  const days = optionalInteger(params, 'days_until_due', 'days_until_due', 0);
  const dueDate = optionalInteger(params, 'due_date');
  if (collection === 'send_invoice' && days === undefined && dueDate === undefined)
    throw invalidRequest(
      'Invoices with collection_method=send_invoice need days_until_due or due_date.',
      'parameter_missing',
      'days_until_due',
    );
  const pending = optionalEnum(params, 'pending_invoice_items_behavior', ['exclude', 'include'] as const) ?? 'exclude';
  const pmId = optionalString(params, 'default_payment_method');
  const pendingItems = pending === 'include' ? pendingInvoiceItems(ctx, customer.id) : [];
  const currency = (optionalString(params, 'currency') ??
    (pendingItems[0]?.currency as string | undefined) ??
    customer.currency ??
    'usd') as string;
  const invoice = buildInvoice(ctx, {
    customer,
    subscription: subscription ?? null,
    billingReason: 'manual',
    collectionMethod: collection,
    autoAdvance: optionalBoolean(params, 'auto_advance') ?? false,
    finalizesAt: optionalInteger(params, 'automatically_finalizes_at') ?? null,
    at,
    currency: currency.toLowerCase(),
    lines: [],
    defaultPaymentMethod: pmId ? resolvePaymentMethod(ctx, pmId, 'default_payment_method').id : null,
    description: optionalString(params, 'description') ?? null,
    metadata: applyMetadata({}, params),
  });
  if (invoice.auto_advance && invoice.automatically_finalizes_at === null) invoice.automatically_finalizes_at = at + 3600;
  if (dueDate !== undefined) invoice.due_date = dueDate;
  ctx.sandbox.store.insert(ctx.scope, invoice);
  setInvoiceDaysUntilDue(ctx, invoice, days);
  for (const item of pendingItems) addItemToInvoice(ctx, invoice, item);
  const discounts = discountsFromParams(ctx, params, { customer: customer.id }, at);
  invoice.discounts = discounts;
  recomputeInvoice(ctx, invoice);
  ctx.sandbox.emit(ctx.scope, 'invoice.created', invoice, { request: ctx.request });
  emitDiscountsCreated(ctx, discounts);
  return invoice;
}

function updateInvoice(ctx: ApiContext, invoice: StripeObject): StripeObject {
  const params = ctx.params;
  const draftOnly = Object.keys(params).filter((k) => !['metadata', 'description', 'footer', 'auto_advance', 'expand'].includes(k));
  if (draftOnly.length > 0 && invoice.status !== 'draft')
    throw invalidRequest(`Finalized invoices can't be updated in this way (${draftOnly.join(', ')}).`, undefined, draftOnly[0]);
  const before = snapshot(invoice);
  const description = unsettableString(params, 'description');
  if (description !== undefined) invoice.description = description;
  const autoAdvance = optionalBoolean(params, 'auto_advance');
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  const collection = optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const);
  if (collection) invoice.collection_method = collection;
  setInvoiceDaysUntilDue(ctx, invoice, optionalInteger(params, 'days_until_due', 'days_until_due', 0));
  const pm = unsettableString(params, 'default_payment_method');
  if (pm !== undefined) invoice.default_payment_method = pm === null ? null : resolvePaymentMethod(ctx, pm, 'default_payment_method').id;
  if (params.discounts !== undefined) {
    invoice.discounts = discountsFromParams(
      ctx,
      params,
      { customer: String(invoice.customer) },
      billingNow(ctx.sandbox, ctx.scope, String(invoice.customer)),
    );
    recomputeInvoice(ctx, invoice);
  }
  invoice.metadata = applyMetadata(invoice.metadata as Record<string, string>, params);
  emitUpdated(ctx, invoice, before);
  return invoice;
}

function invoiceAction(name: string, params: readonly string[], act: (ctx: ApiContext, invoice: StripeObject, at: number) => void) {
  return {
    method: 'POST' as const,
    path: `/v1/invoices/:id/${name}`,
    permission: write('invoice'),
    params,
    handle(ctx: ApiContext) {
      const invoice = findInvoice(ctx, ctx.path.id!, 'id');
      act(ctx, invoice, billingNow(ctx.sandbox, ctx.scope, String(invoice.customer)));
      return invoice;
    },
  };
}

/** `create_preview` / `upcoming`: the subscription's next invoice, or the customer's pending items. */
function preview(ctx: ApiContext): Json {
  const customerId = optionalString(ctx.params, 'customer');
  const subscriptionId = optionalString(ctx.params, 'subscription');
  const subscription = subscriptionId
    ? ctx.sandbox.store.get(ctx.scope, 'subscription', subscriptionId)
    : customerId
      ? ctx.sandbox.store.list(
          ctx.scope,
          'subscription',
          (s) => s.customer === customerId && ['active', 'trialing', 'past_due'].includes(String(s.status)),
        )[0]
      : undefined;
  if (subscriptionId && !subscription) throw noSuch('subscription', subscriptionId, 'subscription');
  if (!subscription) {
    if (!customerId) throw invalidRequest('Missing required param: customer or subscription.', 'parameter_missing', 'customer');
    throw invalidRequest(`No upcoming invoices for customer: ${customerId}`, 'invoice_upcoming_none');
  }
  return upcomingInvoice(ctx, subscription, billingNow(ctx.sandbox, ctx.scope, String(subscription.customer)));
}

const PREVIEW_PARAMS = [
  'customer',
  'subscription',
  'subscription_details',
  'automatic_tax',
  'currency',
  'discounts',
  'invoice_items',
  'preview_mode',
  'schedule',
];

export const invoices: Resource = {
  name: 'invoices',
  routes: [
    {
      method: 'POST',
      path: '/v1/invoices',
      permission: write('invoice'),
      params: [
        'customer',
        'auto_advance',
        'automatically_finalizes_at',
        'collection_method',
        'currency',
        'days_until_due',
        'due_date',
        'default_payment_method',
        'description',
        'discounts',
        'footer',
        'metadata',
        'pending_invoice_items_behavior',
        'subscription',
        'statement_descriptor',
        'custom_fields',
        'payment_settings',
        'automatic_tax',
      ],
      handle: createInvoice,
    },
    {
      method: 'POST',
      path: '/v1/invoices/create_preview',
      permission: read('invoice'),
      params: PREVIEW_PARAMS,
      handle: preview,
    },
    {
      method: 'GET',
      path: '/v1/invoices/upcoming',
      permission: read('invoice'),
      params: PREVIEW_PARAMS,
      handle: preview,
    },
    {
      method: 'GET',
      path: '/v1/invoices/:id',
      permission: read('invoice'),
      params: [],
      handle(ctx) {
        const invoice = ctx.sandbox.store.get(ctx.scope, 'invoice', ctx.path.id!);
        if (!invoice) throw noSuch('invoice', ctx.path.id!, 'id');
        return invoice.deleted ? deletionStub(invoice) : invoice;
      },
    },
    {
      method: 'POST',
      path: '/v1/invoices/:id',
      permission: write('invoice'),
      params: [
        'auto_advance',
        'collection_method',
        'days_until_due',
        'default_payment_method',
        'description',
        'discounts',
        'footer',
        'metadata',
        'custom_fields',
      ],
      handle: (ctx) => updateInvoice(ctx, findInvoice(ctx, ctx.path.id!, 'id')),
    },
    {
      method: 'DELETE',
      path: '/v1/invoices/:id',
      permission: write('invoice'),
      params: [],
      handle(ctx) {
        const invoice = findInvoice(ctx, ctx.path.id!, 'id');
        assertStatus(invoice, ['draft'], 'delete');
        if (invoiceSubscriptionId(invoice))
          throw invalidRequest('A subscription invoice cannot be deleted; void it once finalized.', undefined, 'id');
        // Its items go back to pending, as on Stripe.
        for (const item of ctx.sandbox.store.list(ctx.scope, 'invoiceitem', (i) => i.invoice === invoice.id)) item.invoice = null;
        ctx.sandbox.emit(ctx.scope, 'invoice.deleted', invoice, { request: ctx.request });
        invoice.deleted = true;
        return deletionStub(invoice);
      },
    },
    invoiceAction('finalize', ['auto_advance'], (ctx, invoice, at) => {
      const autoAdvance = optionalBoolean(ctx.params, 'auto_advance');
      if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
      finalizeInvoice(ctx, invoice, at);
      // With automatic collection, Stripe charges (or sends) the finalized invoice within the hour.
      if (invoice.status === 'open' && invoice.auto_advance === true) {
        if (invoice.collection_method === 'send_invoice') sendInvoice(ctx, invoice);
        else invoice.next_payment_attempt = at + 3600;
      }
    }),
    invoiceAction('pay', ['payment_method', 'paid_out_of_band', 'off_session', 'forgive', 'source', 'mandate'], (ctx, invoice, at) => {
      if (invoice.status === 'draft') finalizeInvoice(ctx, invoice, at);
      if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', 'invoice_already_paid' as string);
      assertStatus(invoice, ['open', 'uncollectible'], 'pay');
      if (optionalBoolean(ctx.params, 'paid_out_of_band')) {
        markInvoicePaid(ctx, invoice, at, true);
        return;
      }
      if (invoice.status === 'uncollectible') invoice.status = 'open';
      const result = attemptInvoicePayment(ctx, invoice, at, {
        automatic: false,
        paymentMethod: optionalString(ctx.params, 'payment_method'),
      });
      if (result.outcome === 'failed' && result.error) throw result.error;
    }),
    invoiceAction('void', [], (ctx, invoice, at) => voidInvoice(ctx, invoice, at)),
    invoiceAction('mark_uncollectible', [], (ctx, invoice, at) => markUncollectible(ctx, invoice, at)),
    invoiceAction('send', [], (ctx, invoice) => sendInvoice(ctx, invoice)),
    {
      method: 'GET',
      path: '/v1/invoices/:id/lines',
      permission: read('invoice'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const invoice = findInvoice(ctx, ctx.path.id!, 'id');
        return paginate(invoiceLines(invoice), ctx.params, `/v1/invoices/${invoice.id}/lines`, 'line item');
      },
    },
    {
      method: 'GET',
      path: '/v1/invoices',
      permission: read('invoice'),
      params: [
        'limit',
        'starting_after',
        'ending_before',
        'customer',
        'subscription',
        'status',
        'collection_method',
        'created',
        'due_date',
      ],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const subscription = optionalString(ctx.params, 'subscription');
        const status = optionalEnum(ctx.params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const);
        const collection = optionalString(ctx.params, 'collection_method');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'invoice',
          (i) =>
            !i.deleted &&
            (!customer || i.customer === customer) &&
            (!subscription || invoiceSubscriptionId(i) === subscription) &&
            (!status || i.status === status) &&
            (!collection || i.collection_method === collection) &&
            created(Number(i.created)),
        );
        return paginate(items, ctx.params, '/v1/invoices', 'invoice');
      },
    },
    {
      method: 'GET',
      path: '/v1/invoice_payments/:id',
      permission: read('invoice'),
      params: [],
      handle(ctx) {
        const payment = ctx.sandbox.store.get(ctx.scope, 'invoice_payment', ctx.path.id!);
        if (!payment) throw noSuch('invoice_payment', ctx.path.id!);
        return payment;
      },
    },
    {
      method: 'GET',
      path: '/v1/invoice_payments',
      permission: read('invoice'),
      params: ['limit', 'starting_after', 'ending_before', 'invoice', 'payment', 'status', 'created'],
      handle(ctx) {
        const invoice = optionalString(ctx.params, 'invoice');
        const status = optionalString(ctx.params, 'status');
        const payment = optionalRecord(ctx.params, 'payment');
        const pi = payment ? optionalString(payment, 'payment_intent', 'payment[payment_intent]') : undefined;
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'invoice_payment',
          (p) =>
            (!invoice || p.invoice === invoice) && (!status || p.status === status) && (!pi || (p.payment as Json).payment_intent === pi),
        );
        return paginate(items, ctx.params, '/v1/invoice_payments', 'invoice_payment');
      },
    },
  ],
  virtualFields: {
    invoice: {
      payments: (invoice, ctx) => ({
        object: 'list',
        data: invoicePayments(ctx, invoice),
        has_more: false,
        url: `/v1/invoice_payments?invoice=${invoice.id}`,
      }),
    },
  },
  onEvent(ctx, event) {
    // A client confirming an invoice's PaymentIntent itself (default_incomplete, 3-D Secure) pays the invoice.
    if (event.type !== 'payment_intent.succeeded') return;
    const pi = (event.data as Json).object as StripeObject;
    const [payment] = ctx.sandbox.store.list(
      ctx.scope,
      'invoice_payment',
      (p) => (p.payment as Json).payment_intent === pi.id && p.status === 'open',
    );
    const invoice = payment ? ctx.sandbox.store.get(ctx.scope, 'invoice', String(payment.invoice)) : undefined;
    if (invoice && invoice.status === 'open') markInvoicePaid(ctx, invoice, billingNow(ctx.sandbox, ctx.scope, String(invoice.customer)));
  },
};
