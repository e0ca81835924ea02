import { StripeApiError, invalidRequest } from '../core/errors';
import { clone, type Json, type StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { buildCharge } from '../resources/charges';
import { cardByFingerprint } from './cards';

// The PaymentIntent state machine shared by the API (`confirm`), Checkout (`pay`) and the control
// API (3-D Secure, async settlement). Event order follows what Stripe sends for a card payment:
// charge.* first, then payment_intent.*; Checkout reacts to the latter (see checkout-sessions).

export interface ConfirmOptions {
  /** Settle later, like a bank debit: `processing` now, `settleAsyncPayment` decides. */
  async?: boolean;
  returnUrl?: string | null;
}

export type ConfirmOutcome = 'succeeded' | 'requires_action' | 'processing' | 'declined';

function emit(ctx: ApiContext, type: string, object: StripeObject): void {
  ctx.sandbox.emit(ctx.scope, type, object, { request: ctx.request });
}

function behaviourOf(pm: StripeObject) {
  const card = pm.card as Json | null;
  return cardByFingerprint(String(card?.fingerprint ?? ''));
}

function succeed(ctx: ApiContext, pi: StripeObject, pm: StripeObject): void {
  const charge = buildCharge(ctx, { paymentIntent: pi, paymentMethod: pm, status: 'succeeded' });
  Object.assign(pi, {
    status: 'succeeded',
    amount_received: pi.amount,
    latest_charge: charge.id,
    next_action: null,
    last_payment_error: null,
    processing: null,
  });
  emit(ctx, 'charge.succeeded', charge);
  emit(ctx, 'payment_intent.succeeded', pi);
}

export function decline(ctx: ApiContext, pi: StripeObject, pm: StripeObject, declineCode: string): StripeApiError {
  const message = declineCode === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.';
  const charge = buildCharge(ctx, {
    paymentIntent: pi,
    paymentMethod: pm,
    status: 'failed',
    failure: { code: 'card_declined', declineCode, message },
  });
  const error = {
    charge: charge.id,
    code: 'card_declined',
    decline_code: declineCode,
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    message,
    payment_method: clone(pm),
    type: 'card_error',
  };
  Object.assign(pi, {
    status: 'requires_payment_method',
    payment_method: null,
    latest_charge: charge.id,
    last_payment_error: error,
    next_action: null,
    processing: null,
  });
  emit(ctx, 'charge.failed', charge);
  emit(ctx, 'payment_intent.payment_failed', pi);
  return new StripeApiError(402, 'card_error', message, 'card_declined', undefined, {
    charge: charge.id,
    decline_code: declineCode,
    payment_intent: clone(pi),
    payment_method: clone(pm),
  });
}

/**
 * Confirms `pi` with `pm`. A decline updates state and emits events, then throws the 402
 * `card_error` Stripe answers with (callers that must not throw catch it).
 */
export function confirmPaymentIntent(ctx: ApiContext, pi: StripeObject, pm: StripeObject, options: ConfirmOptions = {}): ConfirmOutcome {
  const allowed = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
  if (!allowed.includes(String(pi.status))) {
    throw invalidRequest(
      `You cannot confirm this PaymentIntent because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be confirmed: ${allowed.join(', ')}.`,
      'payment_intent_unexpected_state',
    );
  }
  pi.payment_method = pm.id;
  const card = behaviourOf(pm);
  if (options.async) {
    const charge = buildCharge(ctx, { paymentIntent: pi, paymentMethod: pm, status: 'pending' });
    Object.assign(pi, {
      status: 'processing',
      latest_charge: charge.id,
      processing: { type: 'card' },
      next_action: null,
      last_payment_error: null,
    });
    emit(ctx, 'charge.pending', charge);
    emit(ctx, 'payment_intent.processing', pi);
    return 'processing';
  }
  if (card?.behaviour === 'decline') throw decline(ctx, pi, pm, card.declineCode ?? 'generic_decline');
  if (card?.behaviour === 'require_3ds' && pi.status !== 'requires_action') {
    pi.status = 'requires_action';
    pi.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { return_url: options.returnUrl ?? null, url: `${ctx.sandbox.baseUrl}/3ds/${pi.id}` },
    };
    emit(ctx, 'payment_intent.requires_action', pi);
    return 'requires_action';
  }
  succeed(ctx, pi, pm);
  return 'succeeded';
}

/** The cardholder finishes (or fails) 3-D Secure, as `POST /_sandbox/payment_intents/:id/confirm_3ds` says. */
export function completeThreeDSecure(ctx: ApiContext, pi: StripeObject, outcome: 'succeed' | 'fail'): void {
  if (pi.status !== 'requires_action') {
    throw invalidRequest(
      `This PaymentIntent has status ${String(pi.status)}; only one in requires_action awaits 3-D Secure.`,
      'payment_intent_unexpected_state',
    );
  }
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', String(pi.payment_method));
  if (!pm) throw invalidRequest('The PaymentIntent has no payment method.', 'payment_intent_unexpected_state');
  if (outcome === 'succeed') {
    succeed(ctx, pi, pm);
    return;
  }
  Object.assign(pi, {
    status: 'requires_payment_method',
    next_action: null,
    payment_method: null,
    last_payment_error: {
      code: 'payment_intent_authentication_failure',
      doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
      message:
        'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      payment_method: clone(pm),
      type: 'invalid_request_error',
    },
  });
  emit(ctx, 'payment_intent.payment_failed', pi);
}

/** Ends an async (`processing`) payment: the debit clears or bounces. */
export function settleAsyncPayment(ctx: ApiContext, pi: StripeObject, outcome: 'succeeded' | 'failed'): void {
  if (pi.status !== 'processing') {
    throw invalidRequest(
      `This PaymentIntent has status ${String(pi.status)}; only a processing one can settle.`,
      'payment_intent_unexpected_state',
    );
  }
  const charge = ctx.sandbox.store.get(ctx.scope, 'charge', String(pi.latest_charge));
  if (!charge) throw invalidRequest('The PaymentIntent has no pending charge.', 'payment_intent_unexpected_state');
  if (outcome === 'succeeded') {
    Object.assign(charge, {
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: charge.amount,
      balance_transaction: `txn_${charge.id.slice(3)}`,
    });
    Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, processing: null });
    emit(ctx, 'charge.succeeded', charge);
    emit(ctx, 'payment_intent.succeeded', pi);
    return;
  }
  const message = "The customer's bank account could not be debited.";
  Object.assign(charge, { status: 'failed', failure_code: 'payment_method_not_available', failure_message: message });
  Object.assign(pi, {
    status: 'requires_payment_method',
    processing: null,
    payment_method: null,
    last_payment_error: { code: 'payment_method_not_available', message, type: 'card_error', charge: charge.id },
  });
  emit(ctx, 'charge.failed', charge);
  emit(ctx, 'payment_intent.payment_failed', pi);
}
