import type Stripe from 'stripe';
import type { AppContext } from '../../context';
import type { KeysetPage } from '../../store/keyset-page';
import { countSubscriptions, searchSubscriptions, type SubscriptionSearch } from '../../store/subscription-search';
import { stripeFor } from '../../billing/payment-link';
import { AppError, invalidField, notFound } from '../../errors';
import { listStripeCustomerLinks } from '../../store/customers';
import { findCustomerEmails } from '../../store/invoices';
import { findTenantPlan } from '../../store/plans';
import {
  findTenantSubscription,
  listSubscriptionPayments,
  listSubscriptionTimeline,
  listTenantSubscriptions,
} from '../../store/subscriptions';
import type { SubscriptionRow } from '../../store/subscriptions-schema';
import { fromStripeError } from '../../stripe/stripe-errors';
import { resolveCustomer } from '../customers/customers-service';
import { sellingConnection } from '../plans/price-check-service';
import { toSubscriptionView, type SubscriptionView } from './subscription-view';

export async function requireSubscription(ctx: AppContext, tenantId: string, id: string): Promise<SubscriptionRow> {
  const sub = await findTenantSubscription(ctx.store.db, tenantId, id);
  if (!sub) throw notFound('subscription', id);
  return sub;
}

/** A page of the tenant's subscriptions, newest first, optionally of one customer and one status. */
export async function listSubscriptions(
  ctx: AppContext,
  filter: { tenantId: string; customerId?: string; status?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<SubscriptionRow[]> {
  return listTenantSubscriptions(ctx.store.db, filter, page);
}

/** The subscription's domain events, oldest first. */
export async function subscriptionTimeline(ctx: AppContext, sub: SubscriptionRow) {
  return listSubscriptionTimeline(ctx.store.db, sub.id);
}

export async function subscriptionPayments(ctx: AppContext, sub: SubscriptionRow) {
  return (await listSubscriptionPayments(ctx.store.db, sub.id)).map((payment) => ({
    invoice: payment.stripe_invoice_id,
    outcome: payment.outcome,
    attempt: payment.attempt,
    billing_reason: payment.billing_reason,
    amount: Number(payment.amount),
    currency: payment.currency,
    failure: payment.failure,
    at: new Date(payment.at).toISOString(),
  }));
}

async function stripeSubscription(ctx: AppContext, sub: SubscriptionRow): Promise<{ stripe: Stripe; id: string }> {
  if (!sub.stripe_subscription_id)
    throw new AppError({
      code: 'subscription_not_started',
      status: 409,
      message: `Subscription ${sub.id} has no Stripe subscription yet (its checkout is not complete); nothing to change.`,
    });
  const connection = await sellingConnection(ctx, sub.tenant_id, sub.connection_id);
  return { stripe: stripeFor(ctx, connection), id: sub.stripe_subscription_id };
}

const ENDED = new Set(['canceled', 'incomplete_expired']);

/**
 * Cancels in Stripe, now or at the period's end. The answer shows the state as stored; the change
 * lands when Stripe's event for it arrives, so the mirror keeps following Stripe's newest version.
 */
export async function cancelSubscription(ctx: AppContext, tenantId: string, id: string, atPeriodEnd: boolean): Promise<SubscriptionView> {
  const sub = await requireSubscription(ctx, tenantId, id);
  if (ENDED.has(sub.status))
    throw new AppError({ code: 'subscription_ended', status: 409, message: `Subscription ${sub.id} is already ${sub.status}.` });
  const { stripe, id: stripeId } = await stripeSubscription(ctx, sub);
  try {
    if (atPeriodEnd) await stripe.subscriptions.update(stripeId, { cancel_at_period_end: true });
    else await stripe.subscriptions.cancel(stripeId);
  } catch (error) {
    throw fromStripeError(error, `canceling subscription ${stripeId}`);
  }
  return toSubscriptionView(sub);
}

/** Moves the subscription's item to the new plan's first price in Stripe; the plan (and entitlements) follow from its event. */
export async function changeSubscriptionPlan(ctx: AppContext, tenantId: string, id: string, planId: string): Promise<SubscriptionView> {
  const sub = await requireSubscription(ctx, tenantId, id);
  if (ENDED.has(sub.status))
    throw new AppError({ code: 'subscription_ended', status: 409, message: `Subscription ${sub.id} is already ${sub.status}.` });
  const plan = await findTenantPlan(ctx.store.db, tenantId, planId);
  if (!plan) throw invalidField('plan_id', 'unknown_plan', `No plan ${planId} belongs to this tenant. List them with GET …/plans.`);
  if (plan.connection_id !== sub.connection_id)
    throw invalidField(
      'plan_id',
      'plan_of_another_connection',
      `Plan ${plan.id} sells through connection ${plan.connection_id}; subscription ${sub.id} is on ${sub.connection_id}.`,
    );
  if (plan.status === 'needs_attention')
    throw new AppError({
      code: 'plan_needs_attention',
      status: 409,
      message: `Plan ${plan.id} cannot be sold right now: ${plan.status_reason ?? ''}`,
    });
  const { stripe, id: stripeId } = await stripeSubscription(ctx, sub);
  try {
    const current = await stripe.subscriptions.retrieve(stripeId);
    const item = current.items.data[0];
    if (!item)
      throw new AppError({
        code: 'subscription_has_no_items',
        status: 409,
        message: `Stripe subscription ${stripeId} has no items to change.`,
      });
    await stripe.subscriptions.update(stripeId, {
      items: [{ id: item.id, price: plan.price_ids[0]! }],
      metadata: { paybridge_plan_id: plan.id },
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fromStripeError(error, `changing subscription ${stripeId} to plan ${plan.id}`);
  }
  return toSubscriptionView(sub);
}

/**
 * A Stripe customer portal session for the customer. With Stripe customers on several connections,
 * `connection_id` says which account's portal to open.
 */
export async function createPortalSession(
  ctx: AppContext,
  tenantId: string,
  customerRef: string,
  input: { return_url: string; connection_id?: string },
): Promise<{ url: string; connection_id: string }> {
  const customer = await resolveCustomer(ctx.store.db, tenantId, customerRef);
  const links = await listStripeCustomerLinks(ctx.store.db, customer.id);
  const link = input.connection_id
    ? links.find((candidate) => candidate.connection_id === input.connection_id)
    : links.length === 1
      ? links[0]
      : undefined;
  if (!link) {
    const message =
      links.length === 0
        ? `Customer ${customer.id} has not bought anything through Stripe yet, so there is no portal to open. Start a checkout first.`
        : `Customer ${customer.id} has Stripe customers on connections ${links.map((l) => l.connection_id).join(', ')}; say which with connection_id.`;
    throw invalidField('connection_id', links.length === 0 ? 'no_stripe_customer' : 'connection_required', message);
  }
  const connection = await sellingConnection(ctx, tenantId, link.connection_id);
  try {
    const session = await stripeFor(ctx, connection).billingPortal.sessions.create({
      customer: link.stripe_customer_id,
      return_url: input.return_url,
    });
    return { url: session.url, connection_id: connection.id };
  } catch (error) {
    throw fromStripeError(error, 'creating the customer portal session');
  }
}

/** The dashboard's list: one page of the subscriptions matching a search, each with its customer's email, and the total (up to `cap`). */
export async function searchSubscriptionPage(ctx: AppContext, search: SubscriptionSearch, page: KeysetPage, cap = 10_000) {
  const [rows, total] = await Promise.all([searchSubscriptions(ctx.store.db, search, page), countSubscriptions(ctx.store.db, search, cap)]);
  const emails = await findCustomerEmails(ctx.store.db, search.tenantId, [...new Set(rows.map((row) => row.customer_id))]);
  return { rows: rows.map((row) => ({ ...row, customer_email: emails.get(row.customer_id) ?? null })), total };
}
