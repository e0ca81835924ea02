import { invalidRequest } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { completeSession, createSession, sessionIntentData, sessionLineItems } from '../resources/checkout-sessions';
import { paySubscriptionSession, redeemTypedCode } from '../billing/checkout-billing';
import { createCardPaymentMethod } from '../resources/payment-methods';
import { createPaymentIntent } from '../resources/payment-intents';
import { confirmPaymentIntent, type ConfirmOutcome } from './payment-engine';

export interface PayInput {
  card: string;
  email?: string | null;
  name?: string | null;
  /** Pay like a bank debit: the session completes unpaid, then settles later. */
  async?: boolean;
  /** A promotion code typed on the page (sessions with `allow_promotion_codes`). */
  promotionCode?: string | null;
}

/**
 * What a customer does on Checkout's page: enter a card and pay. The session completes through
 * its PaymentIntent's events; a decline throws Stripe's 402 `card_error` and leaves it open.
 */
export function paySession(ctx: ApiContext, session: StripeObject, input: PayInput): ConfirmOutcome {
  if (session.status !== 'open')
    throw invalidRequest(
      `This Checkout Session is ${String(session.status)} and can no longer be paid.`,
      'checkout_session_not_open' as string,
    );
  const customer = session.customer ? ctx.sandbox.store.get(ctx.scope, 'customer', String(session.customer)) : undefined;
  const email =
    input.email ?? (session.customer_email as string | null) ?? (customer?.email as string | null | undefined) ?? 'customer@example.com';
  const pm = createCardPaymentMethod(ctx, input.card, { email, name: input.name ?? null }, 'card');
  session.customer_details = {
    address: { city: null, country: 'US', line1: null, line2: null, postal_code: null, state: null },
    business_name: null,
    email,
    individual_name: null,
    name: input.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  if (input.promotionCode) redeemTypedCode(ctx, session, input.promotionCode);
  if (session.mode === 'subscription')
    return paySubscriptionSession(
      ctx,
      session,
      pm,
      (status) => completeSession(ctx, session, status),
      sessionLineItems(ctx.sandbox, session.id),
    );
  let pi = session.payment_intent ? ctx.sandbox.store.get(ctx.scope, 'payment_intent', String(session.payment_intent)) : undefined;
  if (!pi || pi.status !== 'requires_payment_method') {
    const data = sessionIntentData(ctx.sandbox, session.id);
    pi = createPaymentIntent(ctx, {
      amount: Number(session.amount_total),
      currency: String(session.currency),
      customer: (session.customer as string | null) ?? null,
      description: data.description,
      metadata: { ...data.metadata },
      receiptEmail: null,
    });
    session.payment_intent = pi.id;
  }
  return confirmPaymentIntent(ctx, pi, pm, { async: input.async, returnUrl: `${ctx.sandbox.baseUrl}/checkout/${session.id}` });
}

/** Opening a payment link starts a fresh payment-mode session carrying the link's settings. */
export function sessionFromLink(ctx: ApiContext, link: StripeObject, email?: string | null): StripeObject {
  if (link.active !== true)
    throw invalidRequest(
      (link.inactive_message as string | null) ?? 'This payment link is no longer active.',
      'payment_link_inactive' as string,
    );
  const afterCompletion = link.after_completion as Json;
  const redirect = afterCompletion.type === 'redirect' ? ((afterCompletion.redirect as Json).url as string) : null;
  const intentData = (link.payment_intent_data as Json | null) ?? {};
  const items = sessionLineItems(ctx.sandbox, link.id).map((item) => ({
    ...item,
    id: `li_${item.id.slice(3)}${Math.random().toString(36).slice(2, 6)}`,
  }));
  return createSession(ctx, {
    lineItems: items,
    metadata: { ...(link.metadata as Record<string, string>) },
    paymentIntentData: {
      metadata: { ...((intentData.metadata as Record<string, string> | undefined) ?? {}) },
      description: (intentData.description as string | null | undefined) ?? null,
    },
    successUrl: redirect,
    customerCreation: link.customer_creation === 'always' ? 'always' : 'if_required',
    customerEmail: email ?? null,
    paymentLink: link.id,
  });
}
