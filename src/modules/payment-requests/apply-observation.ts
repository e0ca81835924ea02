import type { Effects } from '../../domain/effects';
import { insertRequestPaymentOnce, setRequestPaymentCharge, updatePaymentRequest } from '../../store/payment-requests';
import { FINAL_STATUSES, type PaymentRequestRow, type PaymentRequestStatus } from '../../store/payment-requests-schema';
import { recordPaymentRequestEvent } from './payment-request-events';

/** Money arrived through this payment intent. */
export interface PaidObservation {
  readonly kind: 'paid';
  readonly paymentIntentId: string;
  readonly chargeId: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly paidAt: Date;
  /** The Stripe event id, or `refresh` when read from Stripe directly. */
  readonly source: string;
}

/** The newest version of the request's payment intent or session says the request is now `status`. */
export interface StatusObservation {
  readonly kind: 'status';
  readonly status: Exclude<PaymentRequestStatus, 'succeeded'>;
  readonly paymentIntentId: string | null;
  readonly checkoutSessionId?: string;
  readonly failure?: string | null;
  /** For failures: which attempt, so duplicates of one decline count once and a second decline counts again. */
  readonly attemptId?: string;
}

export type Observation = PaidObservation | StatusObservation;

export interface Applied {
  readonly request: PaymentRequestRow;
  readonly note: string;
}

const isFinal = (status: PaymentRequestStatus) => FINAL_STATUSES.includes(status);

/**
 * The one state machine, used by the worker (facts) and by `?refresh=true` (objects read from
 * Stripe), on a request locked by the caller. Final states (succeeded, canceled, expired) never
 * change; a payment through a second payment intent, or after cancel or expiry, is recorded and
 * flags the request `overpaid`. Applying the same observation twice changes nothing the second time.
 */
export async function applyObservation(effects: Effects, request: PaymentRequestRow, observation: Observation): Promise<Applied> {
  return observation.kind === 'paid' ? applyPayment(effects, request, observation) : applyStatus(effects, request, observation);
}

async function applyPayment(effects: Effects, request: PaymentRequestRow, paid: PaidObservation): Promise<Applied> {
  const { trx, now } = effects;
  const recorded = await insertRequestPaymentOnce(trx, {
    request_id: request.id,
    payment_intent_id: paid.paymentIntentId,
    charge_id: paid.chargeId,
    amount: paid.amount,
    currency: paid.currency,
    paid_at: paid.paidAt,
    source: paid.source,
  });
  if (!recorded) {
    // The session's event and the intent's event tell of one payment; the intent's one names the charge.
    if (paid.chargeId) {
      await setRequestPaymentCharge(trx, request.id, paid.paymentIntentId, paid.chargeId);
      if (request.payment_intent_id === paid.paymentIntentId && !request.charge_id) {
        const updated = await updatePaymentRequest(trx, request.id, { charge_id: paid.chargeId, updated_at: now });
        return { request: updated, note: `charge ${paid.chargeId} of ${request.id} recorded` };
      }
    }
    return { request, note: `payment ${paid.paymentIntentId} for ${request.id} was already recorded` };
  }
  if (!isFinal(request.status)) {
    const updated = await updatePaymentRequest(trx, request.id, {
      status: 'succeeded',
      payment_intent_id: paid.paymentIntentId,
      charge_id: paid.chargeId ?? (request.payment_intent_id === paid.paymentIntentId ? request.charge_id : null),
      failure: null,
      updated_at: now,
    });
    recordPaymentRequestEvent(effects, 'payment_request.succeeded', updated);
    return { request: updated, note: `payment request ${request.id} succeeded (${paid.paymentIntentId})` };
  }
  // Money nobody asked for any more: a second payment, or one after the request was canceled or expired.
  const flagged = await updatePaymentRequest(trx, request.id, { overpaid: true, updated_at: now });
  recordPaymentRequestEvent(effects, 'payment_request.overpaid', flagged);
  return {
    request: flagged,
    note: `payment ${paid.paymentIntentId} arrived for ${request.status} request ${request.id}; flagged overpaid, refund it in Stripe`,
  };
}

async function applyStatus(effects: Effects, request: PaymentRequestRow, seen: StatusObservation): Promise<Applied> {
  if (isFinal(request.status)) return { request, note: `payment request ${request.id} stays ${request.status} (final)` };
  if (seen.checkoutSessionId && request.checkout_session_id && seen.checkoutSessionId !== request.checkout_session_id)
    return { request, note: `checkout session ${seen.checkoutSessionId} is not the one of ${request.id}; nothing changes` };
  // Another payment intent than the request's own (only a payment counts from those, as overpaid).
  if (seen.paymentIntentId && request.payment_intent_id && seen.paymentIntentId !== request.payment_intent_id)
    return { request, note: `payment intent ${seen.paymentIntentId} is not the one of ${request.id}; its status changes nothing` };
  // A Checkout Session's payment intent is canceled when the session expires: the session's own expiry says so.
  if (seen.status === 'canceled' && request.method === 'payment_link')
    return { request, note: `payment intent of ${request.id} canceled; the request follows its checkout session` };
  const sameAttempt = seen.status !== 'failed' || (seen.attemptId ?? null) === request.failed_attempt_id;
  if (seen.status === request.status && sameAttempt) {
    if (seen.paymentIntentId && !request.payment_intent_id) {
      const updated = await updatePaymentRequest(effects.trx, request.id, {
        payment_intent_id: seen.paymentIntentId,
        updated_at: effects.now,
      });
      return { request: updated, note: `payment intent ${seen.paymentIntentId} of ${request.id} recorded` };
    }
    return { request, note: `payment request ${request.id} is already ${request.status}` };
  }
  const updated = await updatePaymentRequest(effects.trx, request.id, {
    status: seen.status,
    payment_intent_id: seen.paymentIntentId ?? request.payment_intent_id,
    ...(seen.status === 'failed' ? { failure: seen.failure ?? null, failed_attempt_id: seen.attemptId ?? null } : {}),
    updated_at: effects.now,
  });
  recordPaymentRequestEvent(effects, `payment_request.${seen.status}`, updated);
  return { request: updated, note: `payment request ${request.id} ${request.status} → ${seen.status}` };
}
