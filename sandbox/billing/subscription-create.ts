import { invalidRequest } from '../core/errors';
import { newId } from '../core/ids';
import { isRecord, type Json, type StripeObject } from '../core/json';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  requiredString,
} from '../core/params';
import type { ApiContext } from '../core/resource';
import { findCustomer } from '../resources/customers';
import { resolvePaymentMethod } from '../resources/payment-methods';
import { billingNow } from './billing-time';
import { SECONDS_PER_DAY } from './calendar';
import { createDiscount } from './discounts';
import { startSubscription, periodFrom, type PaymentBehavior } from './subscription-cycle';
import { parseItems, setCurrentPeriod } from './subscription-items';

export const PAYMENT_BEHAVIORS = ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] as const;

/** `trial_end` ("now" or a timestamp) or `trial_period_days`, else the price's own trial. */
export function trialEndFrom(params: Json, at: number, priceTrialDays: number | null): number | null {
  const raw = params.trial_end;
  if (raw === 'now') return null;
  const explicit = raw === undefined ? undefined : optionalInteger(params, 'trial_end');
  if (explicit !== undefined) {
    if (explicit <= at) throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', undefined, 'trial_end');
    return explicit;
  }
  const days = optionalInteger(params, 'trial_period_days', 'trial_period_days', 0);
  if (days !== undefined) return days > 0 ? at + days * SECONDS_PER_DAY : null;
  const fromPlan = optionalBoolean(params, 'trial_from_plan');
  return fromPlan && priceTrialDays ? at + priceTrialDays * SECONDS_PER_DAY : null;
}

export function trialSettings(params: Json): Json {
  const raw = optionalRecord(params, 'trial_settings');
  const end = raw ? optionalRecord(raw, 'end_behavior', 'trial_settings[end_behavior]') : undefined;
  const missing = end
    ? optionalEnum(
        end,
        'missing_payment_method',
        ['cancel', 'create_invoice', 'pause'] as const,
        'trial_settings[end_behavior][missing_payment_method]',
      )
    : undefined;
  return { end_behavior: { missing_payment_method: missing ?? 'create_invoice' } };
}

/** `discounts[i][coupon|promotion_code|discount]`, or the older top-level `coupon` / `promotion_code`. */
export function discountsFromParams(
  ctx: ApiContext,
  params: Json,
  target: { customer: string; subscription?: string; checkoutSession?: string },
  at: number,
): string[] {
  const ids: string[] = [];
  const list = optionalArray(params, 'discounts') ?? [];
  list.forEach((entry, i) => {
    if (!isRecord(entry)) throw invalidRequest('Invalid object', undefined, `discounts[${i}]`);
    const existing = optionalString(entry, 'discount', `discounts[${i}][discount]`);
    if (existing) ids.push(existing);
    const coupon = optionalString(entry, 'coupon', `discounts[${i}][coupon]`);
    const promotionCode = optionalString(entry, 'promotion_code', `discounts[${i}][promotion_code]`);
    if (coupon || promotionCode) ids.push(createDiscount(ctx, { coupon, promotionCode }, target, at, `discounts[${i}]`).id);
  });
  const coupon = optionalString(params, 'coupon');
  const promotionCode = optionalString(params, 'promotion_code');
  if (coupon) ids.push(createDiscount(ctx, { coupon }, target, at, 'coupon').id);
  if (promotionCode) ids.push(createDiscount(ctx, { promotionCode }, target, at, 'promotion_code').id);
  return ids;
}

export function emitDiscountsCreated(ctx: ApiContext, ids: readonly string[]): void {
  for (const id of ids) {
    const discount = ctx.sandbox.store.get(ctx.scope, 'discount', id);
    if (discount) ctx.sandbox.emit(ctx.scope, 'customer.discount.created', discount, { request: ctx.request });
  }
}

/**
 * `POST /v1/subscriptions`: the subscription, `customer.subscription.created`, then its first
 * invoice (see startSubscription). Checkout reuses this with the card it just collected.
 */
export function createSubscription(ctx: ApiContext, params: Json, extra: { allowInactivePrices?: boolean } = {}): StripeObject {
  const customer = findCustomer(ctx, requiredString(params, 'customer'), 'customer');
  const at = billingNow(ctx.sandbox, ctx.scope, customer.id);
  const id = newId('sub', 24);
  const items = parseItems(
    ctx,
    optionalArray(params, 'items'),
    id,
    at,
    { start: at, end: at },
    { allowInactive: extra.allowInactivePrices },
  );
  const currencies = new Set(items.map((item) => (item.price as Json).currency));
  if (currencies.size > 1) throw invalidRequest('All prices on a subscription must have the same currency.', undefined, 'items');
  const firstPrice = items[0]!.price as Json;
  const priceTrial = ((firstPrice.recurring as Json).trial_period_days as number | null) ?? null;
  const trialEnd = trialEndFrom(params, at, priceTrial);
  const collection = optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ?? 'charge_automatically';
  const daysUntilDue = optionalInteger(params, 'days_until_due', 'days_until_due', 0);
  if (collection === 'send_invoice' && daysUntilDue === undefined)
    throw invalidRequest(
      'Missing required param: days_until_due (required when collection_method is send_invoice).',
      'parameter_missing',
      'days_until_due',
    );
  const pmId = optionalString(params, 'default_payment_method');
  const behavior = optionalEnum(params, 'payment_behavior', PAYMENT_BEHAVIORS) ?? 'allow_incomplete';
  const cancelAtPeriodEnd = optionalBoolean(params, 'cancel_at_period_end') ?? false;
  const subscription: StripeObject = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? at,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic', updated_at: null },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: optionalInteger(params, 'cancel_at') ?? null,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: collection,
    created: at,
    currency: String(firstPrice.currency),
    customer: customer.id,
    customer_account: null,
    days_until_due: daysUntilDue ?? null,
    default_payment_method: pmId ? resolvePaymentMethod(ctx, pmId, 'default_payment_method').id : null,
    default_source: null,
    default_tax_rates: [],
    description: optionalString(params, 'description') ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: ctx.scope.livemode,
    managed_payments: null,
    metadata: applyMetadata({}, params),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: at,
    status: trialEnd ? 'trialing' : collection === 'send_invoice' ? 'active' : 'incomplete',
    test_clock: customer.test_clock ?? null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: trialSettings(params),
    trial_start: trialEnd ? at : null,
  };
  setCurrentPeriod(subscription, trialEnd ? { start: at, end: trialEnd } : periodFrom(subscription, at));
  if (cancelAtPeriodEnd) subscription.cancel_at = Number((items[0] as Json).current_period_end);
  subscription.discounts = discountsFromParams(ctx, params, { customer: customer.id, subscription: id }, at);
  ctx.sandbox.store.insert(ctx.scope, subscription);
  ctx.sandbox.emit(ctx.scope, 'customer.subscription.created', subscription, { request: ctx.request });
  emitDiscountsCreated(ctx, subscription.discounts as string[]);
  const invoice = startSubscription(ctx, subscription, at, behavior as PaymentBehavior);
  if (behavior === 'error_if_incomplete' && invoice.status === 'open') {
    throw invalidRequest(
      'The first invoice of this subscription could not be paid, and payment_behavior=error_if_incomplete was given.',
      'subscription_payment_intent_invalid_parameter',
    );
  }
  return subscription;
}
