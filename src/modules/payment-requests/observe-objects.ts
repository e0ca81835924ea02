import type { Observation } from './apply-observation';
import { failureOf, idOf, statusOfIntent, statusOfSession } from './stripe-status';

/**
 * What the newest stored versions of a request's Stripe objects say, as observations for the state
 * machine: used when the API re-reads them from Stripe (`?refresh=true`), the same reading the
 * worker's facts give. The session comes before its payment intent, so a completed session's
 * payment is recorded before the intent's status is looked at.
 */
export function observationsOf(object: Record<string, unknown>, now: Date): Observation[] {
  const id = String(object.id);
  if (object.object === 'checkout.session') {
    const status = statusOfSession(object);
    const intentId = idOf(object, 'payment_intent');
    if (status === 'succeeded' && intentId)
      return [
        {
          kind: 'paid',
          paymentIntentId: intentId,
          chargeId: null,
          amount: Number(object.amount_total),
          currency: String(object.currency).toUpperCase(),
          paidAt: now,
          source: 'refresh',
        },
      ];
    if (status === 'expired' || status === 'processing')
      return [{ kind: 'status', status, paymentIntentId: intentId, checkoutSessionId: id }];
    return [];
  }
  if (object.object === 'payment_intent') {
    const status = statusOfIntent(object);
    if (!status) return [];
    if (status === 'succeeded') {
      const received = Number(object.amount_received);
      return [
        {
          kind: 'paid',
          paymentIntentId: id,
          chargeId: idOf(object, 'latest_charge'),
          amount: Number.isSafeInteger(received) && received > 0 ? received : Number(object.amount),
          currency: String(object.currency).toUpperCase(),
          paidAt: now,
          source: 'refresh',
        },
      ];
    }
    const error = (object.last_payment_error ?? {}) as Record<string, unknown>;
    return [
      {
        kind: 'status',
        status,
        paymentIntentId: id,
        failure: failureOf(object),
        attemptId: status === 'failed' ? (idOf(error, 'charge') ?? idOf(object, 'latest_charge') ?? undefined) : undefined,
      },
    ];
  }
  return [];
}
