import type { Fact } from '../domain/facts';
import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import { FEATURE_EVENTS } from '../stripe/features';
import type { HandlerRegistry } from './registry';
import { idField, translateOwned } from './record-owned';
import type { HandlerInput } from './types';

// Every payment_intent event a feature subscribes to (the payments feature lists them all).
const TYPES = FEATURE_EVENTS.payments.filter((type) => type.startsWith('payment_intent.'));

/** Minor units received: `amount_received` once the intent succeeded, else the requested amount. */
function amountOf(intent: Record<string, unknown>): number {
  const received = Number(intent.amount_received);
  return Number.isSafeInteger(received) && received > 0 ? received : Number(intent.amount);
}

function factsOf(input: HandlerInput, intent: Record<string, unknown>, superseded: boolean): Fact[] {
  const { payable } = readPaybridgeMetadata(intent);
  if (!payable) return [];
  const intentId = String(intent.id);
  switch (input.event.type) {
    case 'payment_intent.succeeded':
      if (superseded || intent.status !== 'succeeded') return [];
      return [
        {
          kind: 'payment.succeeded',
          payable,
          providerPaymentId: intentId,
          checkoutSessionId: null,
          amount: amountOf(intent),
          currency: String(intent.currency).toUpperCase(),
          paidAt: new Date(input.event.created * 1000),
          object: intent,
        },
      ];
    case 'payment_intent.payment_failed': {
      const error = (intent.last_payment_error ?? {}) as Record<string, unknown>;
      const why = [error.code, error.decline_code, error.message].filter((part) => typeof part === 'string' && part.length > 0).join(': ');
      return [
        {
          kind: 'payment.failed',
          payable,
          source: 'payment_intent',
          objectId: intentId,
          attemptId: idField(error, 'charge') ?? idField(intent, 'latest_charge') ?? input.event.id,
          failure: why || null,
          object: intent,
          superseded,
        },
      ];
    }
    case 'payment_intent.requires_action':
      if (superseded || intent.status !== 'requires_action') return [];
      return [{ kind: 'payment.requires_action', payable, paymentIntentId: intentId, object: intent }];
    case 'payment_intent.processing':
      if (superseded || intent.status !== 'processing') return [];
      return [{ kind: 'payment.processing', payable, paymentIntentId: intentId, object: intent }];
    case 'payment_intent.canceled':
      if (superseded || intent.status !== 'canceled') return [];
      return [{ kind: 'payment.canceled', payable, paymentIntentId: intentId, object: intent }];
    default:
      return [];
  }
}

/** Payment intents tell whether a payable's payment succeeded, failed or waits for the customer. */
export function registerPaymentIntentHandlers(registry: HandlerRegistry): void {
  registry.on('payment_intent', TYPES, async (input) =>
    translateOwned(
      input,
      (intent, superseded) => factsOf(input, intent, superseded),
      (intent) => `payment intent ${typeof intent.status === 'string' ? intent.status : ''} recorded`,
    ),
  );
}
