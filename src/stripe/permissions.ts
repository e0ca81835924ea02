import type Stripe from 'stripe';
import type { Feature } from './features';

/**
 * Stripe's restricted-key resources Paybridge touches, by the slug Stripe's 403 messages use
 * (`rak_<slug>_<read|write>`). Prices are still `plan` in Stripe's slugs although the dashboard
 * says "Prices"; webhook endpoints are `webhook`. `probe` is a harmless read (`list ?limit=1`); a
 * resource without one (the customer portal has no list) can only be named, never checked.
 */
interface ResourceSpec {
  label: string;
  probe?: (stripe: Stripe) => Promise<unknown>;
}

export const STRIPE_RESOURCES = {
  event: { label: 'Events', probe: (s) => s.events.list({ limit: 1 }) },
  webhook: { label: 'Webhook Endpoints', probe: (s) => s.webhookEndpoints.list({ limit: 1 }) },
  payment_intent: { label: 'PaymentIntents', probe: (s) => s.paymentIntents.list({ limit: 1 }) },
  charge: { label: 'Charges', probe: (s) => s.charges.list({ limit: 1 }) },
  checkout_session: { label: 'Checkout Sessions', probe: (s) => s.checkout.sessions.list({ limit: 1 }) },
  payment_link: { label: 'Payment Links', probe: (s) => s.paymentLinks.list({ limit: 1 }) },
  customer: { label: 'Customers', probe: (s) => s.customers.list({ limit: 1 }) },
  subscription: { label: 'Subscriptions', probe: (s) => s.subscriptions.list({ limit: 1 }) },
  invoice: { label: 'Invoices', probe: (s) => s.invoices.list({ limit: 1 }) },
  plan: { label: 'Prices', probe: (s) => s.prices.list({ limit: 1 }) },
  product: { label: 'Products', probe: (s) => s.products.list({ limit: 1 }) },
  dispute: { label: 'Disputes', probe: (s) => s.disputes.list({ limit: 1 }) },
  customer_portal: { label: 'Customer portal' },
} as const satisfies Record<string, ResourceSpec>;

export type StripeResource = keyof typeof STRIPE_RESOURCES;

interface Needs {
  read: StripeResource[];
  write: StripeResource[];
}

/** What each feature calls in Stripe: reads are probed, writes can only be listed (F2). */
export const FEATURE_PERMISSIONS: Record<Feature, Needs> = {
  payments: { read: ['payment_intent', 'charge'], write: ['payment_intent'] },
  invoicing: { read: ['checkout_session', 'payment_intent'], write: ['payment_link'] },
  subscriptions: { read: ['subscription', 'plan', 'invoice'], write: ['customer', 'checkout_session', 'customer_portal'] },
  checkout: { read: ['checkout_session'], write: ['checkout_session', 'customer'] },
  catalog: { read: ['product', 'plan'], write: [] },
  customers: { read: ['customer'], write: [] },
  disputes: { read: ['dispute'], write: [] },
  account: { read: [], write: [] },
  payment_requests: { read: ['payment_intent', 'checkout_session'], write: ['payment_intent', 'checkout_session'] },
};

/** Every connection backfills from `GET /v1/events`; auto setup manages its own webhook endpoint. */
const ALWAYS: Needs = { read: ['event'], write: [] };
const AUTO_WEBHOOK: Needs = { read: [], write: ['webhook'] };

export function permissionName(resource: StripeResource, access: 'read' | 'write'): string {
  return `rak_${resource}_${access}`;
}

export interface RequiredPermission {
  resource: StripeResource;
  /** The strongest access needed: a write implies the read (as Stripe grants it). */
  access: 'read' | 'write';
  name: string;
  label: string;
}

/** The permissions a restricted key needs for these features, one entry per resource, sorted. */
export function requiredPermissions(features: readonly Feature[], webhookSetup: 'auto' | 'manual'): RequiredPermission[] {
  const needs = [ALWAYS, ...features.map((f) => FEATURE_PERMISSIONS[f]), ...(webhookSetup === 'auto' ? [AUTO_WEBHOOK] : [])];
  const access = new Map<StripeResource, 'read' | 'write'>();
  for (const need of needs) {
    for (const resource of need.read) if (!access.has(resource)) access.set(resource, 'read');
    for (const resource of need.write) access.set(resource, 'write');
  }
  return [...access]
    .map(([resource, level]) => ({
      resource,
      access: level,
      name: permissionName(resource, level),
      label: `${STRIPE_RESOURCES[resource].label} → ${level === 'write' ? 'Write' : 'Read'}`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
