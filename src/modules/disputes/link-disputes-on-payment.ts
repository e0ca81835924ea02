import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';
import { linkDispute, lockDisputesOnPaymentIntent } from '../../store/disputes';
import { findDisputedPayable } from './disputed-payable';
import { linkChanged, recordDisputeEvent } from './dispute-events';

/**
 * Follows `payment.succeeded` after the payable's owner recorded the payment: a dispute processed
 * before it (deliveries arrive in any order, and the dispute test card disputes at once) was stored
 * without its invoice, or without the invoice payment. It is linked now, and `dispute.updated` tells
 * the platform, whose `dispute.opened` named no invoice. A dispute already linked changes nothing, so
 * a second event of the same payment (its checkout session, a duplicate) records nothing twice.
 */
export async function linkDisputesOnPayment(effects: Effects, fact: FactOf<'payment.succeeded'>): Promise<FactOutcome | undefined> {
  const cause = effects.cause!;
  const paymentIntentId = fact.providerPaymentId;
  const disputes = await lockDisputesOnPaymentIntent(effects.trx, cause, paymentIntentId);
  if (disputes.length === 0) return undefined;
  const linked: string[] = [];
  for (const dispute of disputes) {
    // The recorded payment when the owner recorded one; else the payable the payment's metadata names
    // (its feature may be off, or its object not stored yet).
    const found = (await findDisputedPayable(effects.trx, cause, { paymentIntentId, chargeId: dispute.charge_id })) ?? {
      payable: fact.payable,
      paymentId: null,
    };
    const link = {
      payable_type: found.payable.type,
      payable_id: found.payable.id,
      payment_id: found.paymentId ?? dispute.payment_id,
      updated_at: effects.now,
    };
    if (!linkChanged(dispute, { ...dispute, ...link })) continue;
    const row = await linkDispute(effects.trx, { connectionId: dispute.connection_id, stripeDisputeId: dispute.stripe_dispute_id }, link);
    recordDisputeEvent(effects, 'dispute.updated', row);
    linked.push(`dispute ${row.id} linked to ${found.payable.type} ${found.payable.id}`);
  }
  if (linked.length === 0) return undefined;
  return { status: 'processed', note: linked.join('; ') };
}
