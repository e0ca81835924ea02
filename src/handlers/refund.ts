import { ownershipOf, readPaybridgeMetadata, notOursReason } from '../domain/paybridge-metadata';
import type { HandlerRegistry } from './registry';
import { idField, translateRecorded } from './record-owned';
import type { HandlerInput, HandlerOutcome, Translation } from './types';

/**
 * Refunds, from their own object: `refund.created` / `.updated` / `.failed` carry the refund's status
 * (`pending`, `succeeded`, `failed`, `canceled`), so the newest stored version decides it, never the
 * event type. Refunds made in Stripe's dashboard carry no metadata and still become facts: they are
 * matched to a payment through their payment intent. One stamped for another tenant sharing the
 * account is not ours.
 */
export function registerRefundHandlers(registry: HandlerRegistry): void {
  registry.on('refund', ['refund.created', 'refund.updated', 'refund.failed'], async (input) => translateRefund(input));
}

/**
 * The facts of an event that carries a refund (also `charge.refund.updated`, whose object is the
 * refund): every event that stores a refund's newest version must say what it means, or the later
 * events of that version are superseded and the change is lost.
 */
export function translateRefund(input: HandlerInput): Translation | HandlerOutcome {
  const ownership = ownershipOf(input.event.data.object, input.connection);
  if (ownership.owner === 'other_tenant') return { status: 'ignored', reason: notOursReason(input.event.data.object, ownership) };
  return translateRecorded(input, (refund) => {
    if (refund.object !== 'refund') return [];
    const amount = Number(refund.amount);
    return [
      {
        kind: 'refund.recorded',
        refundId: String(refund.id),
        chargeId: idField(refund, 'charge'),
        paymentIntentId: idField(refund, 'payment_intent'),
        requestedFor: readPaybridgeMetadata(refund).payable,
        amount: Number.isSafeInteger(amount) ? amount : 0,
        currency: String(refund.currency ?? '').toUpperCase(),
        status: String(refund.status),
        object: refund,
      },
    ];
  });
}
