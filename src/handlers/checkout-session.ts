import type { Fact } from '../domain/facts';
import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import { FEATURE_EVENTS } from '../stripe/features';
import type { HandlerRegistry } from './registry';
import { idField, translateOwned } from './record-owned';
import type { HandlerInput } from './types';

// The checkout feature's events are exactly the checkout.session family.
const TYPES = FEATURE_EVENTS.checkout;

/**
 * A session pays its payable only once its `payment_status` is "paid": `completed` with "unpaid" (a
 * bank debit still settling) is a pending payment until `async_payment_succeeded`.
 */
function factsOf(input: HandlerInput, session: Record<string, unknown>, superseded: boolean): Fact[] {
  const { payable } = readPaybridgeMetadata(session);
  if (!payable) return [];
  const sessionId = String(session.id);
  switch (input.event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      if (superseded) return [];
      if (session.payment_status === 'paid') {
        return [
          {
            kind: 'payment.succeeded',
            payable,
            providerPaymentId: idField(session, 'payment_intent') ?? sessionId,
            checkoutSessionId: sessionId,
            amount: Number(session.amount_total),
            currency: String(session.currency).toUpperCase(),
            paidAt: new Date(input.event.created * 1000),
            object: session,
          },
        ];
      }
      return [
        { kind: 'payment.pending', payable, checkoutSessionId: sessionId, paymentStatus: String(session.payment_status), object: session },
      ];
    case 'checkout.session.async_payment_failed':
      return [
        {
          kind: 'payment.failed',
          payable,
          source: 'checkout_session',
          objectId: sessionId,
          attemptId: sessionId,
          failure: null,
          object: session,
          superseded,
        },
      ];
    case 'checkout.session.expired':
      return [{ kind: 'checkout.expired', payable, checkoutSessionId: sessionId, object: session }];
    default:
      return [];
  }
}

/** Checkout sessions pay whatever payable they were created for: invoices today, subscriptions and top-ups next. */
export function registerCheckoutSessionHandlers(registry: HandlerRegistry): void {
  registry.on('checkout.session', TYPES, async (input) =>
    translateOwned(
      input,
      (session, superseded) => factsOf(input, session, superseded),
      () => 'checkout session recorded',
    ),
  );
}
