import { invalidRequest, noSuch } from '../core/errors';
import { isRecord, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  rangeFilter,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { endTrial, periodFrom, createSubscriptionInvoice, subscriptionLines } from '../billing/subscription-cycle';
import { createSubscription, discountsFromParams, emitDiscountsCreated, trialSettings } from '../billing/subscription-create';
import { buildSubscriptionItem, currentPeriod, itemPrice, setCurrentPeriod, subscriptionItems } from '../billing/subscription-items';
import { cancelSubscriptionNow, emitSubscriptionUpdated } from '../billing/subscription-status';
import { collectAfterFinalize, finalizeInvoice } from '../billing/invoice-actions';
import { resolvePaymentMethod } from './payment-methods';
import { runBillingUntil } from '../billing/scheduler';
import { deletedDiscount } from '../billing/customer-discount';

export function findSubscription(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const sub = ctx.sandbox.store.get(ctx.scope, 'subscription', id);
  if (!sub) throw noSuch('subscription', id, param);
  return sub;
}

const CREATE_PARAMS = [
  'customer',
  'items',
  'trial_period_days',
  'trial_end',
  'trial_from_plan',
  'trial_settings',
  'cancel_at_period_end',
  'cancel_at',
  'default_payment_method',
  'payment_behavior',
  'collection_method',
  'days_until_due',
  'metadata',
  'description',
  'discounts',
  'coupon',
  'promotion_code',
  'proration_behavior',
  'off_session',
  'payment_settings',
  'currency',
] as const;

const UPDATE_PARAMS = [
  'items',
  'trial_end',
  'trial_settings',
  'cancel_at_period_end',
  'cancel_at',
  'cancellation_details',
  'default_payment_method',
  'payment_behavior',
  'collection_method',
  'days_until_due',
  'metadata',
  'description',
  'discounts',
  'coupon',
  'promotion_code',
  'proration_behavior',
  'off_session',
  'pause_collection',
  'payment_settings',
] as const;

function assertNotEnded(sub: StripeObject): void {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalidRequest(`A canceled subscription can only update its cancellation_details and metadata.`, undefined, 'id');
}

/** `items[i]`: `{id, price|quantity|metadata|deleted}` changes an item, no `id` adds one. No proration. */
function applyItemChanges(ctx: ApiContext, sub: StripeObject, raw: unknown[], at: number): void {
  const list = sub.items as Json;
  const period = currentPeriod(sub);
  raw.forEach((entry, i) => {
    const label = `items[${i}]`;
    if (!isRecord(entry)) throw invalidRequest('Invalid object', undefined, label);
    const itemId = optionalString(entry, 'id', `${label}[id]`);
    const existing = itemId ? subscriptionItems(sub).find((item) => item.id === itemId) : undefined;
    if (itemId && !existing) throw noSuch('subscription_item', itemId, `${label}[id]`);
    if (existing && optionalBoolean(entry, 'deleted', `${label}[deleted]`)) {
      list.data = subscriptionItems(sub).filter((item) => item.id !== existing.id);
      ctx.sandbox.store.delete(existing.id);
      return;
    }
    if (existing) {
      if (entry.price !== undefined || entry.plan !== undefined || entry.price_data !== undefined) {
        const price = itemPrice(ctx, entry, label);
        existing.price = price;
        existing.plan = buildSubscriptionItem(ctx, sub.id, price, { quantity: 1, metadata: {}, at, period }).plan;
      }
      const quantity = optionalInteger(entry, 'quantity', `${label}[quantity]`, 0);
      if (quantity !== undefined) existing.quantity = quantity;
      existing.metadata = applyMetadata(existing.metadata as Record<string, string>, entry);
      return;
    }
    const price = itemPrice(ctx, entry, label);
    const quantity = optionalInteger(entry, 'quantity', `${label}[quantity]`, 0) ?? 1;
    const item = buildSubscriptionItem(ctx, sub.id, price, { quantity, metadata: applyMetadata({}, entry), at, period });
    ctx.sandbox.store.insert(ctx.scope, item);
    (list.data as StripeObject[]).push(item);
  });
  if (subscriptionItems(sub).length === 0) throw invalidRequest('A subscription must keep at least one item.', undefined, 'items');
  list.total_count = subscriptionItems(sub).length;
}

function updateSubscription(ctx: ApiContext, sub: StripeObject): StripeObject {
  const params = ctx.params;
  const onlyMetadata = Object.keys(params).every((key) => key === 'metadata' || key === 'cancellation_details' || key === 'expand');
  if (!onlyMetadata) assertNotEnded(sub);
  const at = billingNow(ctx.sandbox, ctx.scope, String(sub.customer));
  const before = snapshot(sub);
  const items = optionalArray(params, 'items');
  if (items) applyItemChanges(ctx, sub, items, at);
  const cancelAtPeriodEnd = optionalBoolean(params, 'cancel_at_period_end');
  if (cancelAtPeriodEnd !== undefined) {
    sub.cancel_at_period_end = cancelAtPeriodEnd;
    sub.cancel_at = cancelAtPeriodEnd ? currentPeriod(sub).end : null;
    if (!cancelAtPeriodEnd) sub.canceled_at = null;
    else sub.canceled_at = at;
  }
  if (params.cancel_at !== undefined) sub.cancel_at = params.cancel_at === '' ? null : (optionalInteger(params, 'cancel_at') ?? null);
  const details = optionalRecord(params, 'cancellation_details');
  if (details) {
    sub.cancellation_details = {
      ...(sub.cancellation_details as Json),
      comment: unsettableString(details, 'comment', 'cancellation_details[comment]') ?? null,
      feedback: unsettableString(details, 'feedback', 'cancellation_details[feedback]') ?? null,
    };
  }
  const pm = unsettableString(params, 'default_payment_method');
  if (pm !== undefined) sub.default_payment_method = pm === null ? null : resolvePaymentMethod(ctx, pm, 'default_payment_method').id;
  const description = unsettableString(params, 'description');
  if (description !== undefined) sub.description = description;
  const collection = optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const);
  if (collection) sub.collection_method = collection;
  const days = optionalInteger(params, 'days_until_due', 'days_until_due', 0);
  if (days !== undefined) sub.days_until_due = days;
  if (params.trial_settings !== undefined) sub.trial_settings = trialSettings(params);
  if (params.pause_collection !== undefined) {
    const pause = optionalRecord(params, 'pause_collection');
    sub.pause_collection = pause
      ? {
          behavior:
            optionalEnum(pause, 'behavior', ['keep_as_draft', 'mark_uncollectible', 'void'] as const, 'pause_collection[behavior]') ??
            'void',
          resumes_at: optionalInteger(pause, 'resumes_at', 'pause_collection[resumes_at]') ?? null,
        }
      : null;
  }
  const trialEndNow = params.trial_end === 'now';
  const trialEnd = !trialEndNow && params.trial_end !== undefined ? optionalInteger(params, 'trial_end') : undefined;
  if (trialEnd !== undefined) {
    sub.trial_end = trialEnd;
    setCurrentPeriod(sub, { start: currentPeriod(sub).start, end: trialEnd });
    sub.billing_cycle_anchor = trialEnd;
  }
  const newDiscounts =
    params.discounts !== undefined || params.coupon !== undefined || params.promotion_code !== undefined
      ? discountsFromParams(ctx, params, { customer: String(sub.customer), subscription: sub.id }, at)
      : undefined;
  if (newDiscounts) sub.discounts = newDiscounts;
  sub.metadata = applyMetadata(sub.metadata as Record<string, string>, params);
  emitSubscriptionUpdated(ctx, sub, before);
  if (newDiscounts) emitDiscountsCreated(ctx, newDiscounts);
  if (trialEndNow && sub.status === 'trialing') {
    sub.trial_end = at;
    sub.billing_cycle_anchor = at;
    endTrial(ctx, sub, at);
  }
  return sub;
}

/** Resumes a paused subscription: a new period from now, billed at once (Stripe's default anchor `now`). */
function resume(ctx: ApiContext, sub: StripeObject): StripeObject {
  if (sub.status !== 'paused')
    throw invalidRequest(`Subscription ${sub.id} is not paused, so it cannot be resumed.`, 'subscription_not_paused' as string);
  const at = billingNow(ctx.sandbox, ctx.scope, String(sub.customer));
  const before = snapshot(sub);
  sub.billing_cycle_anchor = at;
  const period = periodFrom(sub, at);
  setCurrentPeriod(sub, period);
  sub.status = 'active';
  const invoice = createSubscriptionInvoice(ctx, sub, at, 'subscription_cycle', subscriptionLines(ctx, sub, period, false));
  sub.latest_invoice = invoice.id;
  emitSubscriptionUpdated(ctx, sub, before);
  ctx.sandbox.emit(ctx.scope, 'customer.subscription.resumed', sub, { request: ctx.request });
  finalizeInvoice(ctx, invoice, at);
  if (invoice.status === 'open') collectAfterFinalize(ctx, invoice, at);
  return sub;
}

export const subscriptions: Resource = {
  name: 'subscriptions',
  // Customers without a test clock are billed on the sandbox clock (`/_sandbox/clock/advance`).
  onClockAdvance(sandbox) {
    runBillingUntil(sandbox, null, sandbox.clock.now());
  },
  routes: [
    {
      method: 'POST',
      path: '/v1/subscriptions',
      permission: write('subscription'),
      params: CREATE_PARAMS,
      handle: (ctx) => createSubscription(ctx, ctx.params),
    },
    {
      method: 'GET',
      path: '/v1/subscriptions/:id',
      permission: read('subscription'),
      params: [],
      handle: (ctx) => findSubscription(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/:id',
      permission: write('subscription'),
      params: UPDATE_PARAMS,
      handle: (ctx) => updateSubscription(ctx, findSubscription(ctx, ctx.path.id!)),
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:id',
      permission: write('subscription'),
      params: ['cancellation_details', 'invoice_now', 'prorate'],
      handle(ctx) {
        const sub = findSubscription(ctx, ctx.path.id!);
        if (sub.status === 'canceled' || sub.status === 'incomplete_expired') throw noSuch('subscription', sub.id);
        const details = optionalRecord(ctx.params, 'cancellation_details') ?? {};
        cancelSubscriptionNow(ctx, sub, billingNow(ctx.sandbox, ctx.scope, String(sub.customer)), 'cancellation_requested', details);
        return sub;
      },
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/:id/resume',
      permission: write('subscription'),
      params: ['billing_cycle_anchor', 'payment_behavior', 'proration_behavior', 'proration_date'],
      handle: (ctx) => resume(ctx, findSubscription(ctx, ctx.path.id!)),
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/:id/discount',
      permission: write('subscription'),
      params: [],
      handle(ctx) {
        const sub = findSubscription(ctx, ctx.path.id!);
        const [first] = sub.discounts as string[];
        const discount = first ? ctx.sandbox.store.get(ctx.scope, 'discount', first) : undefined;
        if (!discount) throw invalidRequest(`Subscription ${sub.id} has no discount.`, 'resource_missing', 'id');
        const before = snapshot(sub);
        sub.discounts = [];
        emitSubscriptionUpdated(ctx, sub, before);
        ctx.sandbox.emit(ctx.scope, 'customer.discount.deleted', discount, { request: ctx.request });
        return deletedDiscount(discount);
      },
    },
    {
      method: 'GET',
      path: '/v1/subscriptions',
      permission: read('subscription'),
      params: [
        'limit',
        'starting_after',
        'ending_before',
        'customer',
        'price',
        'plan',
        'status',
        'test_clock',
        'created',
        'collection_method',
      ],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const price = optionalString(ctx.params, 'price') ?? optionalString(ctx.params, 'plan');
        const status = optionalEnum(ctx.params, 'status', [
          'active',
          'all',
          'canceled',
          'ended',
          'incomplete',
          'incomplete_expired',
          'past_due',
          'paused',
          'trialing',
          'unpaid',
        ] as const);
        const clock = optionalString(ctx.params, 'test_clock');
        const collection = optionalString(ctx.params, 'collection_method');
        const created = rangeFilter(ctx.params, 'created');
        const ended = ['canceled', 'incomplete_expired'];
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'subscription',
          (s) =>
            (!customer || s.customer === customer) &&
            (!price || subscriptionItems(s).some((item) => (item.price as Json).id === price)) &&
            // Stripe lists every status but canceled unless asked; `ended` means canceled or expired.
            (status === 'all' ||
              (status === 'ended' ? ended.includes(String(s.status)) : status ? s.status === status : s.status !== 'canceled')) &&
            (!clock || s.test_clock === clock) &&
            (!collection || s.collection_method === collection) &&
            created(Number(s.created)),
        );
        return paginate(items, ctx.params, '/v1/subscriptions', 'subscription');
      },
    },
  ],
};
