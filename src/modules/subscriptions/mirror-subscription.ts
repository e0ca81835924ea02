import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { findPlansSellingPrices } from '../../store/plans';
import { updateSubscription } from '../../store/subscriptions';
import type { SubscriptionRow } from '../../store/subscriptions-schema';
import { locateSubscription, unknownSubscription } from './locate-subscription';
import { mirroredFields } from './stripe-subscription';
import { recordSubscriptionEvent } from './subscription-events';
import { refreshSubscriptionEntitlements } from './subscription-entitlements';

const ENDED = new Set(['canceled', 'incomplete_expired']);
const RENEWING = new Set(['active', 'trialing', 'past_due']);
/** How long after a period's end a missing renewal event makes the sweep re-read the subscription from Stripe. */
export const PERIOD_CHECK_DELAY_MS = 5 * 60_000;

const same = (a: Date | string | null, b: Date | null) => (a === null ? b === null : b !== null && new Date(a).getTime() === b.getTime());

/**
 * Mirrors the newest version of a Stripe subscription (the handler hands over only the newest, so an
 * older `customer.subscription.updated` never gets here), then re-derives its entitlements.
 */
export async function mirrorSubscription(effects: Effects, fact: FactOf<'subscription.changed'>): Promise<FactOutcome> {
  const located = await locateSubscription(effects, fact.payable.id, fact.subscriptionId);
  if (!located) return unknownSubscription(fact.payable.id);
  const before = located.row;
  // Two events of one version in different chunks: the later commit must not move the version back.
  if (before.version_created !== null && Number(before.version_created) > fact.versionCreated)
    return {
      status: 'ignored',
      reason: `superseded: subscription ${before.id} already reflects a newer event (${before.version_event_id})`,
    };
  const fields = mirroredFields(fact.object);
  const plans = await findPlansSellingPrices(effects.trx, before.connection_id, fields.priceIds);
  const planId = plans.some((plan) => plan.id === before.plan_id) ? before.plan_id : (plans[0]?.id ?? before.plan_id);
  const versionAt = new Date(fact.versionCreated * 1000);
  const pastDueSince =
    fields.status === 'past_due' ? (before.status === 'past_due' && before.past_due_since ? before.past_due_since : versionAt) : null;
  const sub = await updateSubscription(effects.trx, before.id, {
    stripe_subscription_id: fact.subscriptionId,
    plan_id: planId,
    status: fields.status,
    current_period_end: fields.currentPeriodEnd,
    cancel_at_period_end: fields.cancelAtPeriodEnd,
    cancel_at: fields.cancelAt,
    trial_end: fields.trialEnd,
    ended_at: fields.endedAt,
    past_due_since: pastDueSince,
    version_created: fact.versionCreated,
    version_event_id: fact.versionEventId,
    updated_at: effects.now,
  });
  recordChanges(effects, before, sub, planId, fields.cancelAtPeriodEnd, fields.currentPeriodEnd);
  const { granted, revoked } = await refreshSubscriptionEntitlements(effects, sub);
  if (RENEWING.has(sub.status) && sub.current_period_end && !sub.cancel_at_period_end) {
    const periodEnd = new Date(sub.current_period_end);
    await effects.enqueue(
      'subscriptions.check_period',
      { subscription_id: sub.id, period_end: periodEnd.toISOString() },
      {
        runAt: new Date(periodEnd.getTime() + PERIOD_CHECK_DELAY_MS),
        dedupeKey: `subscriptions.check_period:${sub.id}:${periodEnd.toISOString()}`,
      },
    );
  }
  const changes = [granted.length > 0 ? `granted ${granted.join(', ')}` : '', revoked.length > 0 ? `revoked ${revoked.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
  return { status: 'processed', note: `subscription ${sub.id} ${sub.status}${changes ? `; ${changes}` : ''}` };
}

function recordChanges(
  effects: Effects,
  before: SubscriptionRow,
  sub: SubscriptionRow,
  planId: string | null,
  cancelAtPeriodEnd: boolean,
  periodEnd: Date | null,
): void {
  if (before.version_created === null) {
    recordSubscriptionEvent(effects, 'subscription.created', sub);
    if (ENDED.has(sub.status)) recordSubscriptionEvent(effects, 'subscription.canceled', sub);
    return;
  }
  const changed =
    before.status !== sub.status ||
    before.plan_id !== planId ||
    before.cancel_at_period_end !== cancelAtPeriodEnd ||
    !same(before.current_period_end, periodEnd);
  if (!changed) return;
  recordSubscriptionEvent(effects, 'subscription.updated', sub, { previous: { status: before.status, plan_id: before.plan_id } });
  if (ENDED.has(sub.status) && !ENDED.has(before.status)) recordSubscriptionEvent(effects, 'subscription.canceled', sub);
}
