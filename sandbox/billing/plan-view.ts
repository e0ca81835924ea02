import type { Json, StripeObject } from '../core/json';

/**
 * A recurring price seen as a legacy Plan: Stripe serves every recurring price under
 * `/v1/plans/:id` with the same id, and subscription items carry both views.
 */
export function planView(price: StripeObject): Json {
  const recurring = (price.recurring as Json | null) ?? {};
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount_decimal ?? price.unit_amount),
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval ?? null,
    interval_count: recurring.interval_count ?? 1,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days ?? null,
    usage_type: recurring.usage_type ?? 'licensed',
  };
}
