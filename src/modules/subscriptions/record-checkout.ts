import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { lockCheckoutByPayable, setCheckoutStatus } from '../../store/checkout-sessions';
import { updateSubscription } from '../../store/subscriptions';
import { idField } from './stripe-ids';
import { locateSubscription, SUBSCRIPTION_PAYABLE, unknownSubscription } from './locate-subscription';

/**
 * `checkout.session.completed` for a plan: paid, or `no_payment_required` for a trial (which the
 * handler reports as pending). It links the Stripe subscription to Paybridge's and never sets a
 * status: the subscription's own events do, whichever arrives first.
 */
export async function recordSubscriptionCheckout(
  effects: Effects,
  fact: FactOf<'payment.succeeded'> | FactOf<'payment.pending'>,
): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, SUBSCRIPTION_PAYABLE, fact.payable.id);
  if (!checkout) return unknownSubscription(fact.payable.id);
  const stripeSubscriptionId = idField(fact.object, 'subscription');
  if (fact.object.object !== 'checkout.session' || !stripeSubscriptionId)
    return { status: 'processed', note: `payment for subscription ${fact.payable.id} noted; its invoices record it` };
  const located = await locateSubscription(effects, fact.payable.id, stripeSubscriptionId);
  if (!located) return unknownSubscription(fact.payable.id);
  if (located.row.stripe_subscription_id === null)
    await updateSubscription(effects.trx, located.row.id, { stripe_subscription_id: stripeSubscriptionId, updated_at: effects.now });
  const settled = fact.kind === 'payment.succeeded' || fact.paymentStatus === 'no_payment_required';
  if (checkout.status !== 'paid')
    await setCheckoutStatus(effects.trx, checkout.id, settled ? 'paid' : 'pending', settled ? effects.now : null);
  return { status: 'processed', note: `checkout ${checkout.id} completed: subscription ${located.row.id} is ${stripeSubscriptionId}` };
}

export async function recordSubscriptionCheckoutExpired(effects: Effects, fact: FactOf<'checkout.expired'>): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, SUBSCRIPTION_PAYABLE, fact.payable.id);
  if (!checkout) return unknownSubscription(fact.payable.id);
  if (checkout.status === 'open' || checkout.status === 'pending') await setCheckoutStatus(effects.trx, checkout.id, 'expired');
  return { status: 'processed', note: `checkout ${checkout.id} expired unpaid; no subscription was created` };
}
