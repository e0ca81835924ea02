/**
 * Feature → the Stripe events it needs (SPEC §2). This table is the single source for the webhook
 * endpoint's `enabled_events`, the permission preflight, the docs and the dashboard; the handler
 * registry checks at start that every event it handles belongs to a feature here.
 */
export const FEATURE_EVENTS = {
  payments: [
    'payment_intent.created',
    'payment_intent.processing',
    'payment_intent.requires_action',
    'payment_intent.amount_capturable_updated',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
    'payment_intent.canceled',
    'payment_method.automatically_updated',
    'charge.succeeded',
    'charge.failed',
    'charge.pending',
    'charge.expired',
    'charge.refunded',
    'charge.refund.updated',
    'refund.created',
    'refund.updated',
    'refund.failed',
  ],
  invoicing: [
    'checkout.session.completed',
    'checkout.session.async_payment_succeeded',
    'checkout.session.async_payment_failed',
    'checkout.session.expired',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
  ],
  subscriptions: [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.pending_update_expired',
    'invoice.paid',
    'invoice.payment_succeeded',
    'invoice.payment_failed',
    'checkout.session.completed',
  ],
  checkout: [
    'checkout.session.completed',
    'checkout.session.async_payment_succeeded',
    'checkout.session.async_payment_failed',
    'checkout.session.expired',
  ],
  catalog: ['product.created', 'product.updated', 'product.deleted', 'price.created', 'price.updated', 'price.deleted'],
  customers: ['customer.created', 'customer.updated', 'customer.deleted'],
  disputes: [
    'charge.dispute.created',
    'charge.dispute.updated',
    'charge.dispute.closed',
    'charge.dispute.funds_withdrawn',
    'charge.dispute.funds_reinstated',
  ],
  account: ['account.updated', 'issuing_card.updated', 'issuing_cardholder.updated'],
  // Payment requests follow their payment intent through every status, and their Checkout Session
  // (method payment_link) until it completes or expires.
  payment_requests: [
    'payment_intent.created',
    'payment_intent.processing',
    'payment_intent.requires_action',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
    'payment_intent.canceled',
    'checkout.session.completed',
    'checkout.session.async_payment_succeeded',
    'checkout.session.async_payment_failed',
    'checkout.session.expired',
  ],
} as const satisfies Record<string, readonly string[]>;

export type Feature = keyof typeof FEATURE_EVENTS;

export const ALL_FEATURES = Object.keys(FEATURE_EVENTS) as Feature[];

/** What a new connection gets when the caller names no features: everything. */
export const DEFAULT_FEATURES: Feature[] = [...ALL_FEATURES];

export function isFeature(name: string): name is Feature {
  return Object.hasOwn(FEATURE_EVENTS, name);
}

/** The endpoint subscribes to exactly this: the sorted union of the enabled features' events. */
export function eventsForFeatures(features: readonly Feature[]): string[] {
  const events = new Set<string>();
  for (const feature of features) for (const type of FEATURE_EVENTS[feature]) events.add(type);
  return [...events].sort();
}

export function featuresForEvent(type: string): Feature[] {
  return ALL_FEATURES.filter((feature) => (FEATURE_EVENTS[feature] as readonly string[]).includes(type));
}
