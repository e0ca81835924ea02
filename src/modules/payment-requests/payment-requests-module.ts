import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { BusinessModule, FactOutcome } from '../../domain/module';
import type { PayableRef } from '../../domain/paybridge-metadata';
import { lockPaymentRequest } from '../../store/payment-requests';
import { applyObservation, type Observation } from './apply-observation';
import { failureOf, idOf, statusOfIntent } from './stripe-status';

/** The payable type payment requests stamp on their Stripe objects. */
export const PAYMENT_REQUEST_PAYABLE = 'payment_request';

/**
 * Locks the request a fact names, only within the event's tenant and for the connection that
 * received the event, then applies what the fact's object says (apply-observation.ts).
 */
async function apply(effects: Effects, payable: PayableRef, observe: () => Observation | string): Promise<FactOutcome> {
  const cause = effects.cause!;
  const request = await lockPaymentRequest(effects.trx, cause.tenantId, payable.id);
  if (!request)
    return { status: 'ignored', reason: `recorded; the metadata names payment request ${payable.id}, which this tenant does not have` };
  if (request.connection_id !== cause.connectionId)
    return {
      status: 'ignored',
      reason: `recorded; payment request ${payable.id} belongs to connection ${request.connection_id}, not to ${cause.connectionId} which received this event`,
    };
  const observation = observe();
  if (typeof observation === 'string') return { status: 'processed', note: observation };
  return { status: 'processed', note: (await applyObservation(effects, request, observation)).note };
}

/** The status a payment intent fact's (newest) object shows, or what to note when it shows none. */
function intentStatus(intent: Record<string, unknown>, intentId: string): Observation | string {
  const status = statusOfIntent(intent);
  if (!status) return `payment intent ${intentId} has status ${String(intent.status)}, which changes nothing`;
  if (status === 'succeeded') return `payment intent ${intentId} succeeded; its payment.succeeded fact records it`;
  return { kind: 'status', status, paymentIntentId: intentId, failure: failureOf(intent) };
}

function paid(effects: Effects, fact: FactOf<'payment.succeeded'>): Promise<FactOutcome> {
  return apply(effects, fact.payable, () => ({
    kind: 'paid',
    paymentIntentId: fact.providerPaymentId,
    chargeId: fact.object.object === 'payment_intent' ? idOf(fact.object, 'latest_charge') : null,
    amount: fact.amount,
    currency: fact.currency,
    paidAt: fact.paidAt,
    source: effects.cause!.stripeEventId,
  }));
}

function failed(effects: Effects, fact: FactOf<'payment.failed'>): Promise<FactOutcome> {
  return apply(effects, fact.payable, () => {
    // A failure from a superseded version is history: a retry already moved the payment on.
    if (fact.superseded) return `failed attempt ${fact.attemptId} on ${fact.objectId} is older than the stored state; nothing changes`;
    const paymentIntentId = fact.source === 'payment_intent' ? fact.objectId : idOf(fact.object, 'payment_intent');
    return { kind: 'status', status: 'failed', paymentIntentId, failure: fact.failure, attemptId: fact.attemptId };
  });
}

/**
 * Payment requests (SPEC C7, F10): one payment a waiting flow follows, paid through a single-use
 * Checkout Session (`payment_link`) or a payment intent the platform confirms (`payment_intent`).
 * The API side is in payment-request-service.ts.
 */
export const paymentRequestsModule: BusinessModule = {
  name: 'payment-requests',
  feature: 'payment_requests',
  payableTypes: [PAYMENT_REQUEST_PAYABLE],
  describes: 'following payment requests',
  handles: {
    'payment.succeeded': paid,
    'payment.failed': failed,
    'payment.requires_action': (effects, fact) => apply(effects, fact.payable, () => intentStatus(fact.object, fact.paymentIntentId)),
    'payment.processing': (effects, fact) => apply(effects, fact.payable, () => intentStatus(fact.object, fact.paymentIntentId)),
    'payment.canceled': (effects, fact) => apply(effects, fact.payable, () => intentStatus(fact.object, fact.paymentIntentId)),
    'payment.pending': (effects, fact) =>
      apply(effects, fact.payable, () => ({
        kind: 'status',
        status: 'processing',
        paymentIntentId: idOf(fact.object, 'payment_intent'),
        checkoutSessionId: fact.checkoutSessionId,
      })),
    'checkout.expired': (effects, fact) =>
      apply(effects, fact.payable, () => ({
        kind: 'status',
        status: 'expired',
        paymentIntentId: null,
        checkoutSessionId: fact.checkoutSessionId,
      })),
  },
};
