import { invalidRequest, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { clone, isRecord, type Json, type StripeObject } from '../core/json';
import { applyMetadata, optionalInteger, optionalRecord, optionalString } from '../core/params';
import { sub } from '../core/params-label';
import type { ApiContext } from '../core/resource';
import { buildPrice, findPrice } from '../resources/prices';
import { planView } from './plan-view';

/** The price an item names: `price`, legacy `plan`, or inline `price_data` (an inactive ad-hoc price). */
export function itemPrice(ctx: ApiContext, entry: Json, label: string, options: { allowInactive?: boolean } = {}): StripeObject {
  const priceId = optionalString(entry, 'price', sub(label, 'price')) ?? optionalString(entry, 'plan', sub(label, 'plan'));
  const priceData = optionalRecord(entry, 'price_data', sub(label, 'price_data'));
  let price: StripeObject;
  if (priceId) price = findPrice(ctx, priceId, sub(label, 'price'));
  else if (priceData) {
    const recurring = optionalRecord(priceData, 'recurring', sub(sub(label, 'price_data'), 'recurring'));
    if (!recurring) throw missingParam(sub(sub(label, 'price_data'), 'recurring'));
    price = buildPrice(ctx, priceData, sub(label, 'price_data'), { inline: true });
  } else throw missingParam(sub(label, 'price'));
  if (!price.recurring)
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      undefined,
      sub(label, 'price'),
    );
  // Checkout's inline price_data makes inactive ad-hoc prices, which its subscription may use.
  if (priceId && price.active === false && !options.allowInactive)
    throw invalidRequest('The price specified is inactive. This field only accepts active prices.', undefined, sub(label, 'price'));
  return price;
}

export function buildSubscriptionItem(
  ctx: ApiContext,
  subscriptionId: string,
  price: StripeObject,
  init: { quantity: number; metadata: Record<string, string>; at: number; period: { start: number; end: number } },
): StripeObject {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: init.at,
    current_period_end: init.period.end,
    current_period_start: init.period.start,
    discounts: [],
    metadata: init.metadata,
    plan: planView(price),
    price: clone(price),
    quantity: init.quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

/** Parses `items[i]` of a create call into stored subscription items. */
export function parseItems(
  ctx: ApiContext,
  raw: unknown[] | undefined,
  subscriptionId: string,
  at: number,
  period: { start: number; end: number },
  options: { allowInactive?: boolean } = {},
): StripeObject[] {
  if (!raw || raw.length === 0) throw missingParam('items');
  return raw.map((entry, i) => {
    const label = `items[${i}]`;
    if (!isRecord(entry)) throw invalidRequest('Invalid object', undefined, label);
    const price = itemPrice(ctx, entry, label, options);
    const quantity = optionalInteger(entry, 'quantity', sub(label, 'quantity'), 0) ?? 1;
    const item = buildSubscriptionItem(ctx, subscriptionId, price, { quantity, metadata: applyMetadata({}, entry), at, period });
    return ctx.sandbox.store.insert(ctx.scope, item);
  });
}

export function subscriptionItems(subscription: StripeObject): StripeObject[] {
  return (subscription.items as Json).data as StripeObject[];
}

/** The current period, which Stripe's current API keeps on each item. */
export function currentPeriod(subscription: StripeObject): { start: number; end: number } {
  const first = subscriptionItems(subscription)[0];
  return { start: Number(first?.current_period_start ?? 0), end: Number(first?.current_period_end ?? 0) };
}

export function setCurrentPeriod(subscription: StripeObject, period: { start: number; end: number }): void {
  for (const item of subscriptionItems(subscription)) {
    item.current_period_start = period.start;
    item.current_period_end = period.end;
  }
}
