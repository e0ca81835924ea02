import { StripeApiError, invalidRequest } from '../core/errors';
import { clone, type Json, type StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { attachPaymentMethod, cardBehaviourOf } from '../resources/payment-methods';
import { declineMessage } from './cards';

// The SetupIntent state machine: saving a payment method for later without charging it. The
// issuer checks the card (cards that decline outright fail here; …0341 passes and fails only when
// charged); 3-D Secure cards need the cardholder once; success attaches the method to the
// customer. Events: setup_intent.created / requires_action / setup_failed / succeeded / canceled.

export const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

function emit(ctx: ApiContext, type: string, seti: StripeObject): void {
  ctx.sandbox.emit(ctx.scope, type, seti, { request: ctx.request });
}

function succeed(ctx: ApiContext, seti: StripeObject, pm: StripeObject): void {
  if (seti.customer) attachPaymentMethod(ctx, pm, String(seti.customer));
  Object.assign(seti, { status: 'succeeded', next_action: null, last_setup_error: null });
  emit(ctx, 'setup_intent.succeeded', seti);
}

type SetupOutcome = 'succeeded' | 'requires_action' | 'processing';

/** Confirms `seti` with `pm`; a failed card check emits `setup_intent.setup_failed` and throws Stripe's 402. */
export function confirmSetupIntent(ctx: ApiContext, seti: StripeObject, pm: StripeObject, returnUrl: string | null): SetupOutcome {
  if (!CONFIRMABLE.includes(String(seti.status)))
    throw invalidRequest(
      `You cannot confirm this SetupIntent because it has a status of ${String(seti.status)}. Only a SetupIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`,
      'setup_intent_unexpected_state',
    );
  seti.payment_method = pm.id;
  const card = cardBehaviourOf(pm);
  if (card?.declinesOnSetup && card.decline) {
    const message = declineMessage(card.decline);
    const error = {
      code: card.decline.code,
      decline_code: card.decline.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
      message,
      payment_method: clone(pm),
      type: 'card_error',
    };
    Object.assign(seti, { status: 'requires_payment_method', payment_method: null, last_setup_error: error, next_action: null });
    emit(ctx, 'setup_intent.setup_failed', seti);
    throw new StripeApiError(402, 'card_error', message, card.decline.code, undefined, {
      decline_code: card.decline.declineCode,
      setup_intent: clone(seti),
      payment_method: clone(pm),
    });
  }
  if (card?.behaviour === 'require_3ds' && seti.status !== 'requires_action') {
    Object.assign(seti, {
      status: 'requires_action',
      next_action: { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url: `${ctx.sandbox.baseUrl}/3ds/${seti.id}` } },
    });
    emit(ctx, 'setup_intent.requires_action', seti);
    return 'requires_action';
  }
  succeed(ctx, seti, pm);
  return 'succeeded';
}

/** The cardholder passes or fails the 3-D Secure challenge of a SetupIntent. */
export function completeSetupThreeDSecure(ctx: ApiContext, seti: StripeObject, outcome: 'succeed' | 'fail'): void {
  if (seti.status !== 'requires_action')
    throw invalidRequest(
      `This SetupIntent has status ${String(seti.status)}; only one in requires_action awaits 3-D Secure.`,
      'setup_intent_unexpected_state',
    );
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', String(seti.payment_method));
  if (!pm) throw invalidRequest('The SetupIntent has no payment method.', 'setup_intent_unexpected_state');
  if (outcome === 'succeed') {
    succeed(ctx, seti, pm);
    return;
  }
  const error: Json = {
    code: 'setup_intent_authentication_failure',
    doc_url: 'https://stripe.com/docs/error-codes/setup-intent-authentication-failure',
    message:
      'The latest attempt to set up the payment method has failed because authentication failed. Provide a new payment method to attempt to set it up again.',
    payment_method: clone(pm),
    type: 'invalid_request_error',
  };
  Object.assign(seti, { status: 'requires_payment_method', payment_method: null, next_action: null, last_setup_error: error });
  emit(ctx, 'setup_intent.setup_failed', seti);
}
