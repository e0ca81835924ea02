import { expect } from 'vitest';
import type Stripe from 'stripe';
import type { RunningSandbox } from '../../../sandbox/index';
import { listDomainEventsAfter } from '../../../src/store/domain-events';
import type { BillingWorld } from '../../invoices/support';

/** Where Checkout sends the buyer back: any https URL will do for the sandbox. */
export const CHECKOUT_URLS = { success_url: 'https://platform.example/ok', cancel_url: 'https://platform.example/cancel' };

/** The tenant's domain events of these types after `after`, oldest first. */
export async function domainEvents(world: BillingWorld, tenantId: string, types: string[], after = 0) {
  return listDomainEventsAfter(world.h.ctx.store.db, tenantId, after, { limit: 1000, types });
}

export async function lastSequence(world: BillingWorld, tenantId: string): Promise<number> {
  const rows = await listDomainEventsAfter(world.h.ctx.store.db, tenantId, 0, { limit: 100_000 });
  return Number(rows.at(-1)?.sequence ?? 0);
}

export async function recurringPrice(stripe: Stripe, amount: number, name = 'Pro'): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval: 'month' } });
}

export async function oneTimePrice(stripe: Stripe, amount: number, name = 'Top-up'): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name });
  return stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: amount });
}

/** Pays a Checkout Session on the sandbox's hosted page, like the customer would. */
export async function payCheckout(
  sandbox: RunningSandbox,
  sessionId: string,
  body: Record<string, unknown> = { card: '4242424242424242' },
) {
  const response = await fetch(`${sandbox.url}/_sandbox/checkout/sessions/${sessionId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json as Record<string, any>;
}

type TenantApi = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/**
 * Opens a Checkout Session through the tenant's API (`session`: customer, plan or package, options)
 * and pays it on the sandbox's hosted page; returns the API's session and the paid Stripe session.
 */
export async function buyThroughCheckout(
  api: TenantApi,
  sandbox: RunningSandbox,
  session: Record<string, unknown>,
  payment?: Record<string, unknown>,
) {
  const checkout = await api('POST', '/checkout-sessions', { ...session, ...CHECKOUT_URLS });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
  const paid = await payCheckout(sandbox, checkout.body.stripe_session_id, payment);
  return { checkout: checkout.body as Record<string, any>, paid };
}
