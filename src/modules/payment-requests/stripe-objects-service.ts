import type Stripe from 'stripe';
import { stripeFor } from '../../billing/payment-link';
import type { AppContext } from '../../context';
import { payableMetadata } from '../../domain/paybridge-metadata';
import { AppError } from '../../errors';
import type { PaymentRequestRow } from '../../store/payment-requests-schema';
import type { ConnectionRow } from '../../store/schema';
import { describeStripeError, fromStripeError } from '../../stripe/stripe-errors';
import { PAYMENT_REQUEST_PAYABLE } from './payment-requests-module';

/** What creating the request's Stripe object gave: a hosted page, or a payment intent for the platform's app. */
export type CreatedObject =
  { kind: 'checkout_session'; sessionId: string; url: string } | { kind: 'payment_intent'; paymentIntentId: string; clientSecret: string };

export interface RequestDraft {
  readonly id: string;
  readonly tenantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly method: PaymentRequestRow['method'];
  readonly description: string | null;
  readonly customerEmail: string | null;
  readonly flowId: string | null;
  readonly returnUrl: string | null;
}

function metadataOf(draft: Pick<RequestDraft, 'id' | 'tenantId' | 'flowId'>): Record<string, string> {
  const metadata = payableMetadata(draft.tenantId, { type: PAYMENT_REQUEST_PAYABLE, id: draft.id });
  if (draft.flowId) metadata.flow_id = draft.flowId;
  return metadata;
}

function stripeFailure(error: unknown, doing: string): AppError {
  const failure = describeStripeError(error);
  if (failure.kind === 'permission')
    return new AppError({
      code: 'stripe_permission_missing',
      status: 422,
      message: `The connection's key may not do this while ${doing}${failure.permission ? ` (Stripe needs ${failure.permission})` : ''}. Grant the permission to the restricted key in Stripe Dashboard → Developers → API keys, then try again.`,
      cause: error,
    });
  if (failure.kind === 'authentication')
    return new AppError({
      code: 'key_rejected_by_stripe',
      status: 422,
      message: `Stripe rejected the connection's key while ${doing}. Rotate the key (PATCH the connection's secret_key).`,
      cause: error,
    });
  return fromStripeError(error, doing);
}

/**
 * Creates the request's Stripe object, stamped with its payable metadata (on the session and on the
 * payment intent it makes), with an Idempotency-Key derived from the request id: a create retried
 * after a crash gets the same object. `payment_link` is a single-use Checkout Session: Stripe takes
 * one payment through it and expires it after 24 hours, which gives the request its `expired` state.
 */
export async function createStripeObject(ctx: AppContext, connection: ConnectionRow, draft: RequestDraft): Promise<CreatedObject> {
  const stripe = stripeFor(ctx, connection);
  const metadata = metadataOf(draft);
  const label = draft.description ?? `Payment request ${draft.id}`;
  const currency = draft.currency.toLowerCase();
  try {
    if (draft.method === 'payment_link') {
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: 'payment',
        line_items: [{ price_data: { currency, unit_amount: draft.amount, product_data: { name: label.slice(0, 250) } }, quantity: 1 }],
        metadata,
        payment_intent_data: { metadata, description: label },
        client_reference_id: draft.id,
      };
      if (draft.returnUrl) params.success_url = draft.returnUrl;
      if (draft.customerEmail) params.customer_email = draft.customerEmail;
      const session = await stripe.checkout.sessions.create(params, { idempotencyKey: `paybridge:${draft.id}:checkout_session` });
      return { kind: 'checkout_session', sessionId: session.id, url: session.url ?? '' };
    }
    const params: Stripe.PaymentIntentCreateParams = { amount: draft.amount, currency, metadata, description: label };
    if (draft.customerEmail) params.receipt_email = draft.customerEmail;
    const intent = await stripe.paymentIntents.create(params, { idempotencyKey: `paybridge:${draft.id}:payment_intent` });
    return { kind: 'payment_intent', paymentIntentId: intent.id, clientSecret: intent.client_secret ?? '' };
  } catch (error) {
    throw stripeFailure(error, `creating the Stripe object for payment request ${draft.id}`);
  }
}

/** The payment intent's client secret again, for an idempotent repeat of the create. */
export async function readClientSecret(ctx: AppContext, connection: ConnectionRow, paymentIntentId: string): Promise<string | null> {
  try {
    return (await stripeFor(ctx, connection).paymentIntents.retrieve(paymentIntentId)).client_secret;
  } catch (error) {
    throw stripeFailure(error, `reading payment intent ${paymentIntentId}`);
  }
}

/** The request's Checkout Session and payment intent as Stripe has them now (absent ones are skipped). */
export async function readStripeObjects(
  ctx: AppContext,
  connection: ConnectionRow,
  request: PaymentRequestRow,
): Promise<Record<string, unknown>[]> {
  const stripe = stripeFor(ctx, connection);
  const objects: Record<string, unknown>[] = [];
  try {
    let intentId = request.payment_intent_id;
    if (request.checkout_session_id) {
      const session = await stripe.checkout.sessions.retrieve(request.checkout_session_id);
      objects.push(session as unknown as Record<string, unknown>);
      intentId ??= typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
    }
    if (intentId) objects.push((await stripe.paymentIntents.retrieve(intentId)) as unknown as Record<string, unknown>);
    return objects;
  } catch (error) {
    throw stripeFailure(error, `reading the Stripe objects of payment request ${request.id}`);
  }
}

/**
 * Stops the customer from paying: cancels the payment intent, or expires the Checkout Session.
 * Answers `too_late` when Stripe says the payment already went through (or is under way).
 */
export async function cancelStripeObject(
  ctx: AppContext,
  connection: ConnectionRow,
  request: PaymentRequestRow,
): Promise<'canceled' | 'too_late'> {
  const stripe = stripeFor(ctx, connection);
  try {
    if (request.checkout_session_id) await stripe.checkout.sessions.expire(request.checkout_session_id);
    else if (request.payment_intent_id) await stripe.paymentIntents.cancel(request.payment_intent_id);
    return 'canceled';
  } catch (error) {
    const failure = describeStripeError(error);
    // Stripe refuses to cancel a succeeded or processing intent, or to expire a completed session.
    if (failure.kind === 'invalid_request' && failure.status === 400) return 'too_late';
    throw stripeFailure(error, `canceling payment request ${request.id}`);
  }
}
