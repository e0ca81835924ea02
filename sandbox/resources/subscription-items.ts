import { invalidRequest, noSuch } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalInteger, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { buildSubscriptionItem, currentPeriod, itemPrice, subscriptionItems } from '../billing/subscription-items';
import { emitSubscriptionUpdated } from '../billing/subscription-status';
import { planView } from '../billing/plan-view';
import { findSubscription } from './subscriptions';

// Items change their subscription: every change here is a `customer.subscription.updated`, as on
// Stripe (there are no subscription_item events). No proration is computed.

const PARAMS = [
  'price',
  'plan',
  'price_data',
  'quantity',
  'metadata',
  'proration_behavior',
  'proration_date',
  'payment_behavior',
  'tax_rates',
  'discounts',
  'off_session',
  'billing_thresholds',
];

function findItem(ctx: ApiContext, id: string): StripeObject {
  const item = ctx.sandbox.store.get(ctx.scope, 'subscription_item', id);
  if (!item) throw noSuch('subscription_item', id);
  return item;
}

function parentOf(ctx: ApiContext, item: StripeObject): StripeObject {
  return findSubscription(ctx, String(item.subscription), 'subscription');
}

export const subscriptionItemsResource: Resource = {
  name: 'subscription_items',
  routes: [
    {
      method: 'POST',
      path: '/v1/subscription_items',
      permission: write('subscription'),
      // `off_session` is an update-only parameter on Stripe.
      params: ['subscription', ...PARAMS.filter((param) => param !== 'off_session')],
      handle(ctx) {
        const sub = findSubscription(ctx, requiredString(ctx.params, 'subscription'), 'subscription');
        const before = snapshot(sub);
        const price = itemPrice(ctx, ctx.params, '');
        if (price.currency !== sub.currency)
          throw invalidRequest('All prices on a subscription must have the same currency.', undefined, 'price');
        const at = billingNow(ctx.sandbox, ctx.scope, String(sub.customer));
        const item = buildSubscriptionItem(ctx, sub.id, price, {
          quantity: optionalInteger(ctx.params, 'quantity', 'quantity', 0) ?? 1,
          metadata: applyMetadata({}, ctx.params),
          at,
          period: currentPeriod(sub),
        });
        ctx.sandbox.store.insert(ctx.scope, item);
        subscriptionItems(sub).push(item);
        (sub.items as Json).total_count = subscriptionItems(sub).length;
        emitSubscriptionUpdated(ctx, sub, before);
        return item;
      },
    },
    {
      method: 'GET',
      path: '/v1/subscription_items/:id',
      permission: read('subscription'),
      params: [],
      handle: (ctx) => findItem(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/subscription_items/:id',
      permission: write('subscription'),
      params: PARAMS,
      handle(ctx) {
        const item = findItem(ctx, ctx.path.id!);
        const sub = parentOf(ctx, item);
        const before = snapshot(sub);
        if (ctx.params.price !== undefined || ctx.params.plan !== undefined || ctx.params.price_data !== undefined) {
          const price = itemPrice(ctx, ctx.params, '');
          item.price = price;
          item.plan = planView(price);
        }
        const quantity = optionalInteger(ctx.params, 'quantity', 'quantity', 0);
        if (quantity !== undefined) item.quantity = quantity;
        item.metadata = applyMetadata(item.metadata as Record<string, string>, ctx.params);
        emitSubscriptionUpdated(ctx, sub, before);
        return item;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/subscription_items/:id',
      permission: write('subscription'),
      params: ['proration_behavior', 'proration_date', 'clear_usage'],
      handle(ctx) {
        const item = findItem(ctx, ctx.path.id!);
        const sub = parentOf(ctx, item);
        if (subscriptionItems(sub).length <= 1)
          throw invalidRequest('A subscription must keep at least one item; cancel the subscription instead.', undefined, 'id');
        const before = snapshot(sub);
        (sub.items as Json).data = subscriptionItems(sub).filter((i) => i.id !== item.id);
        (sub.items as Json).total_count = subscriptionItems(sub).length;
        ctx.sandbox.store.delete(item.id);
        emitSubscriptionUpdated(ctx, sub, before);
        return { id: item.id, object: 'subscription_item', deleted: true };
      },
    },
    {
      method: 'GET',
      path: '/v1/subscription_items',
      permission: read('subscription'),
      params: ['subscription', 'limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const sub = findSubscription(ctx, requiredString(ctx.params, 'subscription'), 'subscription');
        return paginate([...subscriptionItems(sub)], ctx.params, `/v1/subscription_items?subscription=${sub.id}`, 'subscription_item');
      },
    },
  ],
};
