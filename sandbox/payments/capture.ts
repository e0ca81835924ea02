import { invalidRequest } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { cardBehaviourOf } from '../resources/payment-methods';
import { openDispute } from './disputes';

// Separate authorisation and capture (`capture_method=manual`): the charge is authorised in
// `requires_capture`, then captured in full or in part; the uncaptured rest is released, which
// Stripe shows as refunded on the charge.

function heldCharge(ctx: ApiContext, pi: StripeObject): StripeObject {
  const charge = ctx.sandbox.store.get(ctx.scope, 'charge', String(pi.latest_charge));
  if (!charge) throw invalidRequest('The PaymentIntent has no authorised charge.', 'payment_intent_unexpected_state');
  return charge;
}

/** `POST /v1/payment_intents/:id/capture`: `charge.captured`, then `payment_intent.succeeded`. */
export function capturePaymentIntent(ctx: ApiContext, pi: StripeObject, amountToCapture?: number): void {
  if (pi.status !== 'requires_capture') {
    throw invalidRequest(
      `This PaymentIntent could not be captured because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      'payment_intent_unexpected_state',
    );
  }
  const capturable = Number(pi.amount_capturable);
  const amount = amountToCapture ?? capturable;
  if (amount > capturable)
    throw invalidRequest(
      `The amount to capture (${amount}) is greater than the amount capturable (${capturable}).`,
      'amount_too_large',
      'amount_to_capture',
    );
  const charge = heldCharge(ctx, pi);
  const before = snapshot(charge);
  Object.assign(charge, { captured: true, amount_captured: amount, amount_refunded: capturable - amount });
  Object.assign(pi, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
  ctx.sandbox.emit(ctx.scope, 'charge.captured', charge, { request: ctx.request, previousAttributes: previousAttributes(before, charge) });
  ctx.sandbox.emit(ctx.scope, 'payment_intent.succeeded', pi, { request: ctx.request });
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', String(charge.payment_method));
  const dispute = pm ? cardBehaviourOf(pm)?.dispute : undefined;
  if (dispute) openDispute(ctx, charge, dispute);
}

/** Canceling an authorised PaymentIntent releases the hold: the charge reads as fully refunded. */
export function releaseAuthorization(ctx: ApiContext, pi: StripeObject): void {
  const charge = heldCharge(ctx, pi);
  const before = snapshot(charge);
  Object.assign(charge, { amount_refunded: charge.amount, refunded: true });
  pi.amount_capturable = 0;
  ctx.sandbox.emit(ctx.scope, 'charge.refunded', charge, { request: ctx.request, previousAttributes: previousAttributes(before, charge) });
}

/**
 * `POST /v1/payment_intents/:id/increment_authorization`: raises a held authorisation when the
 * charge was authorised with incremental authorisation available.
 */
export function incrementAuthorization(ctx: ApiContext, pi: StripeObject, amount: number): void {
  if (pi.status !== 'requires_capture')
    throw invalidRequest(
      `You cannot increment the authorization of this PaymentIntent because it has a status of ${String(pi.status)}; it must be requires_capture.`,
      'payment_intent_unexpected_state',
    );
  const charge = heldCharge(ctx, pi);
  const card = (charge.payment_method_details as Json).card as Json | undefined;
  if ((card?.incremental_authorization as Json | undefined)?.status !== 'available')
    throw invalidRequest(
      'This PaymentIntent is not eligible for incremental authorization: confirm it with payment_method_options[card][request_incremental_authorization]=if_available.',
      'payment_intent_unexpected_state',
    );
  if (amount <= Number(pi.amount))
    throw invalidRequest(`The new amount (${amount}) must be greater than the current amount (${String(pi.amount)}).`, undefined, 'amount');
  const previous = { amount: pi.amount, amount_capturable: pi.amount_capturable };
  Object.assign(pi, { amount, amount_capturable: amount });
  Object.assign(charge, { amount });
  card!.amount_authorized = amount;
  ctx.sandbox.emit(ctx.scope, 'payment_intent.amount_capturable_updated', pi, { request: ctx.request, previousAttributes: previous });
}
