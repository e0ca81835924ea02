import { StripeApiError, invalidRequest } from '../core/errors';
import { clone, type Json, type StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { buildCharge } from '../resources/charges';
import { cardBehaviourOf } from '../resources/payment-methods';
import { declineMessage, type CardDecline } from './cards';
import { openDispute } from './disputes';

// The PaymentIntent state machine shared by the API (`confirm`), Checkout (`pay`) and the control
// API (3-D Secure, async settlement). Event order follows what Stripe sends for a card payment:
// charge.* first, then payment_intent.*; Checkout reacts to the latter (see checkout-sessions).

export interface ConfirmOptions {
  /** Settle later, like a bank debit: `processing` now, `settleAsyncPayment` decides. */
  async?: boolean;
  returnUrl?: string | null;
  /** The customer is not present: a card that insists on 3-D Secure fails with `authentication_required`. */
  offSession?: boolean;
}

export type ConfirmOutcome = 'succeeded' | 'requires_action' | 'requires_capture' | 'processing' | 'declined';

function emit(ctx: ApiContext, type: string, object: StripeObject, previous?: Json): void {
  ctx.sandbox.emit(ctx.scope, type, object, { request: ctx.request, previousAttributes: previous });
}

/** Charge funds from a `bypassPending` card go straight to the available balance. */
export function availableImmediately(ctx: ApiContext, chargeId: string): boolean {
  return ctx.sandbox.store.getRelated<boolean>(chargeId, 'bypass_pending') === true;
}

function succeed(ctx: ApiContext, pi: StripeObject, pm: StripeObject): ConfirmOutcome {
  const manual = pi.capture_method === 'manual';
  const charge = buildCharge(ctx, { paymentIntent: pi, paymentMethod: pm, status: 'succeeded', uncaptured: manual });
  const card = cardBehaviourOf(pm);
  if (card?.bypassPending) ctx.sandbox.store.setRelated(charge.id, 'bypass_pending', true);
  Object.assign(pi, { latest_charge: charge.id, next_action: null, last_payment_error: null, processing: null });
  if (manual) {
    Object.assign(pi, { status: 'requires_capture', amount_capturable: pi.amount });
    emit(ctx, 'charge.succeeded', charge);
    emit(ctx, 'payment_intent.amount_capturable_updated', pi, { amount_capturable: 0 });
    return 'requires_capture';
  }
  Object.assign(pi, { status: 'succeeded', amount_received: pi.amount });
  emit(ctx, 'charge.succeeded', charge);
  emit(ctx, 'payment_intent.succeeded', pi);
  if (card?.dispute) openDispute(ctx, charge, card.dispute);
  return 'succeeded';
}

export function decline(
  ctx: ApiContext,
  pi: StripeObject,
  pm: StripeObject,
  reason: CardDecline | 'authentication_required',
): StripeApiError {
  const code = reason === 'authentication_required' ? 'authentication_required' : reason.code;
  const declineCode = reason === 'authentication_required' ? 'authentication_required' : reason.declineCode;
  const message =
    reason === 'authentication_required' ? 'Your card was declined. This transaction requires authentication.' : declineMessage(reason);
  const charge = buildCharge(ctx, {
    paymentIntent: pi,
    paymentMethod: pm,
    status: 'failed',
    failure: { code, declineCode, message },
  });
  const error = {
    charge: charge.id,
    code,
    decline_code: declineCode,
    doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
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
  return new StripeApiError(402, 'card_error', message, code, undefined, {
    charge: charge.id,
    decline_code: declineCode,
    payment_intent: clone(pi),
    payment_method: clone(pm),
  });
}

function startProcessing(ctx: ApiContext, pi: StripeObject, pm: StripeObject): ConfirmOutcome {
  const charge = buildCharge(ctx, { paymentIntent: pi, paymentMethod: pm, status: 'pending' });
  Object.assign(pi, {
    status: 'processing',
    latest_charge: charge.id,
    processing: pm.type === 'card' ? { type: 'card' } : null,
    next_action: null,
    last_payment_error: null,
  });
  ctx.sandbox.store.setRelated(pi.id, 'processing_since', ctx.sandbox.clock.now());
  emit(ctx, 'charge.pending', charge);
  emit(ctx, 'payment_intent.processing', pi);
  return 'processing';
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
  // A bank debit (us_bank_account) is Stripe's delayed method: it always passes through processing.
  if (options.async || pm.type === 'us_bank_account') return startProcessing(ctx, pi, pm);
  const card = cardBehaviourOf(pm);
  if (card?.behaviour === 'decline') throw decline(ctx, pi, pm, card.decline ?? { code: 'card_declined', declineCode: 'generic_decline' });
  const authenticated = ctx.sandbox.store.getRelated<string>(pi.id, 'authenticated_payment_method') === pm.id;
  const requested = ((pi.payment_method_options as Json | null)?.card as Json | undefined)?.request_three_d_secure;
  const forced = pm.type === 'card' && (requested === 'any' || requested === 'challenge') && !options.offSession;
  if ((card?.behaviour === 'require_3ds' || forced) && !authenticated) {
    if (options.offSession && card) {
      if (card.threeDSecure === 'always') throw decline(ctx, pi, pm, 'authentication_required');
      return succeed(ctx, pi, pm);
    }
    pi.status = 'requires_action';
    pi.next_action = {
      type: 'redirect_to_url',
      redirect_to_url: { return_url: options.returnUrl ?? null, url: `${ctx.sandbox.baseUrl}/3ds/${pi.id}` },
    };
    emit(ctx, 'payment_intent.requires_action', pi);
    return 'requires_action';
  }
  return succeed(ctx, pi, pm);
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
    ctx.sandbox.store.setRelated(pi.id, 'authenticated_payment_method', pm.id);
    // With `confirmation_method=manual` the server confirms again after authentication.
    if (pi.confirmation_method === 'manual') {
      Object.assign(pi, { status: 'requires_confirmation', next_action: null });
      return;
    }
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
export function settleAsyncPayment(ctx: ApiContext, pi: StripeObject, outcome: 'succeeded' | 'failed', failureCode?: string): void {
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
  const code = failureCode ?? 'payment_method_not_available';
  const message = "The customer's bank account could not be debited.";
  Object.assign(charge, { status: 'failed', failure_code: code, failure_message: message });
  Object.assign(pi, {
    status: 'requires_payment_method',
    processing: null,
    payment_method: null,
    last_payment_error: { code, message, type: 'card_error', charge: charge.id },
  });
  emit(ctx, 'charge.failed', charge);
  emit(ctx, 'payment_intent.payment_failed', pi);
}
