import type { Effects } from '../../domain/effects';
import { findPlan } from '../../store/plans';
import type { SubscriptionRow } from '../../store/subscriptions-schema';
import { subscriptionAccess } from '../entitlements/access-rules';
import { applySourceEntitlements } from '../entitlements/apply-entitlements';

const date = (value: Date | string | null) => (value === null ? null : new Date(value));

/** Re-derives what the subscription gives from its stored state and its plan, as of `effects.now`. */
export async function refreshSubscriptionEntitlements(effects: Effects, sub: SubscriptionRow) {
  const plan = sub.plan_id ? await findPlan(effects.trx, sub.plan_id) : undefined;
  const access = subscriptionAccess(
    {
      id: sub.id,
      status: sub.status,
      currentPeriodEnd: date(sub.current_period_end),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      cancelAt: date(sub.cancel_at),
      pastDueSince: date(sub.past_due_since),
    },
    plan?.grace_period_days ?? 0,
    effects.now,
  );
  return applySourceEntitlements(effects, {
    tenantId: sub.tenant_id,
    customerId: sub.customer_id,
    source: { type: 'subscription', id: sub.id },
    specs: plan?.entitlements ?? [],
    access,
    asOf: sub.version_created === null ? null : new Date(Number(sub.version_created) * 1000),
    asOfEventId: sub.version_event_id,
  });
}
