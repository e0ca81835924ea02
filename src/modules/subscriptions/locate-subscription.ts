import type { Effects } from '../../domain/effects';
import { findCheckoutByPayable } from '../../store/checkout-sessions';
import { ensureSubscriptionLocked } from '../../store/subscriptions';
import type { SubscriptionRow } from '../../store/subscriptions-schema';

export const SUBSCRIPTION_PAYABLE = 'subscription';

/**
 * The subscription a fact is about, locked until commit; created from its Checkout Session's record
 * when this is the first event to arrive. Undefined when Paybridge made no session for this id (the
 * metadata names a subscription this database never sold), or it belongs to another tenant.
 */
export async function locateSubscription(
  effects: Effects,
  payableId: string,
  stripeSubscriptionId: string | null,
): Promise<{ row: SubscriptionRow; created: boolean } | undefined> {
  const checkout = await findCheckoutByPayable(effects.trx, SUBSCRIPTION_PAYABLE, payableId);
  if (!checkout || (effects.cause && checkout.tenant_id !== effects.cause.tenantId)) return undefined;
  return ensureSubscriptionLocked(effects.trx, {
    id: payableId,
    tenant_id: checkout.tenant_id,
    connection_id: checkout.connection_id,
    customer_id: checkout.customer_id,
    plan_id: checkout.plan_id,
    stripe_subscription_id: stripeSubscriptionId,
    cancel_at_period_end: false,
    // A placeholder until the subscription's own events say more; it grants nothing.
    status: 'incomplete',
    created_at: effects.now,
    updated_at: effects.now,
  });
}

export function unknownSubscription(payableId: string): { status: 'ignored'; reason: string } {
  return {
    status: 'ignored',
    reason: `recorded; no Checkout Session of this tenant created subscription ${payableId}, so there is nothing to update`,
  };
}
