import type Stripe from 'stripe';
import type { z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { stripeFor } from '../../billing/payment-link';
import { payableMetadata, type PayableRef } from '../../domain/paybridge-metadata';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, invalidField, notFound } from '../../errors';
import { newId } from '../../ids';
import { findTenantCheckout, insertCheckoutSession, listCustomerCheckouts } from '../../store/checkout-sessions';
import { findTenantPackage, findTenantPlan } from '../../store/plans';
import type { CheckoutSessionRow, PackageRow, PlanRow } from '../../store/subscriptions-schema';
import { fromStripeError } from '../../stripe/stripe-errors';
import type { Feature } from '../../stripe/features';
import { ensureStripeCustomer, resolveCustomer } from '../customers/customers-service';
import { PACKAGE_PAYABLE } from '../packages/packages-module';
import { sellingConnection } from '../plans/price-check-service';
import { SUBSCRIPTION_PAYABLE } from '../subscriptions/locate-subscription';
import type { checkoutView, CreateCheckoutInput } from './checkout-input';

type CheckoutView = z.infer<typeof checkoutView>;

export function toCheckoutView(row: CheckoutSessionRow): CheckoutView {
  return {
    id: row.id,
    url: row.status === 'open' ? row.url : null,
    expires_at: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    mode: row.plan_id ? 'subscription' : 'payment',
    status: row.status,
    customer: row.customer_id,
    plan_id: row.plan_id,
    package_id: row.package_id,
    subscription_id: row.payable_type === SUBSCRIPTION_PAYABLE ? row.payable_id : null,
    stripe_session_id: row.stripe_session_id,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** The customer's latest Checkout Sessions, newest first. */
export async function customerCheckouts(ctx: AppContext, customerId: string): Promise<CheckoutSessionRow[]> {
  return listCustomerCheckouts(ctx.store.db, customerId);
}

export async function viewCheckout(ctx: AppContext, tenantId: string, id: string): Promise<CheckoutView> {
  const row = await findTenantCheckout(ctx.store.db, tenantId, id);
  if (!row) throw notFound('checkout session', id);
  return toCheckoutView(row);
}

async function sellable(
  ctx: AppContext,
  tenantId: string,
  input: CreateCheckoutInput,
): Promise<{ plan?: PlanRow; pkg?: PackageRow; priceId: string }> {
  if (input.plan_id) {
    const plan = await findTenantPlan(ctx.store.db, tenantId, input.plan_id);
    if (!plan)
      throw invalidField('plan_id', 'unknown_plan', `No plan ${input.plan_id} belongs to this tenant. List them with GET …/plans.`);
    if (plan.status === 'needs_attention') throw notSellable('plan', plan.id, plan.status_reason);
    const priceId = input.price_id ?? plan.price_ids[0]!;
    if (!plan.price_ids.includes(priceId))
      throw invalidField(
        'price_id',
        'price_not_in_plan',
        `Price ${priceId} is not one of plan ${plan.id}'s prices (${plan.price_ids.join(', ')}).`,
      );
    return { plan, priceId };
  }
  const pkg = await findTenantPackage(ctx.store.db, tenantId, input.package_id!);
  if (!pkg)
    throw invalidField(
      'package_id',
      'unknown_package',
      `No package ${input.package_id} belongs to this tenant. List them with GET …/packages.`,
    );
  if (pkg.status === 'needs_attention') throw notSellable('package', pkg.id, pkg.status_reason);
  return { pkg, priceId: pkg.price_id };
}

function notSellable(what: string, id: string, reason: string | null): AppError {
  return new AppError({
    code: `${what}_needs_attention`,
    status: 409,
    message: `${what} ${id} cannot be sold right now: ${reason ?? 'it needs attention'}`,
  });
}

function requireFeature(connection: { id: string; features: string[] }, feature: Feature, what: string): void {
  if (!connection.features.includes(feature))
    throw new AppError({
      code: 'feature_not_enabled',
      status: 409,
      message: `Connection ${connection.id} lacks the "${feature}" feature, so the events of this ${what} would be ignored. Add "${feature}" to its features (PATCH features), then try again.`,
    });
}

/**
 * Creates a Stripe Checkout Session for a plan (subscription mode) or a package (payment mode) for a
 * customer, stamped with Paybridge's payable on the session and on what Stripe creates from it (the
 * subscription through `subscription_data.metadata`, the payment intent through
 * `payment_intent_data.metadata`), so every later event finds its way back.
 */
export async function createCheckout(ctx: AppContext, tenantId: string, input: CreateCheckoutInput): Promise<CheckoutView> {
  const customer = await resolveCustomer(ctx.store.db, tenantId, input.customer).catch(() => {
    throw invalidField(
      'customer',
      'unknown_customer',
      `No customer ${input.customer} belongs to this tenant. Create it first (POST …/customers).`,
    );
  });
  const { plan, pkg, priceId } = await sellable(ctx, tenantId, input);
  const connection = await sellingConnection(ctx, tenantId, (plan ?? pkg)!.connection_id);
  if (!connection.is_active)
    throw new AppError({
      code: 'connection_disabled',
      status: 409,
      message: `Connection ${connection.id} is disabled; enable it (PATCH is_active: true), then try again.`,
    });
  requireFeature(connection, plan ? 'subscriptions' : 'checkout', plan ? 'subscription' : 'purchase');
  const stripeCustomerId = await ensureStripeCustomer(ctx, connection, customer);
  const checkoutId = newId('checkout');
  const payable: PayableRef = plan ? { type: SUBSCRIPTION_PAYABLE, id: newId('subscription') } : { type: PACKAGE_PAYABLE, id: checkoutId };
  const metadata = {
    ...payableMetadata(tenantId, payable),
    paybridge_checkout_id: checkoutId,
    paybridge_customer_id: customer.id,
    ...(plan ? { paybridge_plan_id: plan.id } : { paybridge_package_id: pkg!.id }),
  };
  const quantity = input.quantity ?? 1;
  const params: Stripe.Checkout.SessionCreateParams = {
    mode: plan ? 'subscription' : 'payment',
    customer: stripeCustomerId,
    line_items: [{ price: priceId, quantity }],
    success_url: input.success_url,
    cancel_url: input.cancel_url,
    client_reference_id: customer.external_id ?? customer.id,
    metadata,
    ...(plan
      ? { subscription_data: { metadata, ...(input.trial_days ? { trial_period_days: input.trial_days } : {}) } }
      : { payment_intent_data: { metadata } }),
  };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripeFor(ctx, connection).checkout.sessions.create(params, {
      idempotencyKey: `paybridge:${checkoutId}:checkout_session`,
    });
  } catch (error) {
    throw fromStripeError(error, 'creating the Checkout Session');
  }
  const row = await inUnitOfWork(ctx, async (effects) =>
    insertCheckoutSession(effects.trx, {
      id: checkoutId,
      tenant_id: tenantId,
      connection_id: connection.id,
      customer_id: customer.id,
      plan_id: plan?.id ?? null,
      package_id: pkg?.id ?? null,
      price_id: priceId,
      quantity,
      payable_type: payable.type,
      payable_id: payable.id,
      stripe_session_id: session.id,
      url: session.url,
      expires_at: session.expires_at ? new Date(session.expires_at * 1000) : null,
      status: 'open',
      paid_at: null,
      created_at: effects.now,
    }),
  );
  return toCheckoutView(row);
}
