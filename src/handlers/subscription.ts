import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import type { HandlerRegistry } from './registry';
import { translateOwned } from './record-owned';

const SUBSCRIPTION_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.pending_update_expired',
] as const;
const INVOICE_TYPES = ['invoice.paid', 'invoice.payment_succeeded', 'invoice.payment_failed'] as const;

/** Subscriptions and their renewal invoices (Stripe's invoices, not Paybridge's own). */
export function registerSubscriptionHandlers(registry: HandlerRegistry): void {
  registry.on('subscription', SUBSCRIPTION_TYPES, async (input) =>
    translateOwned(
      input,
      (subscription, superseded) => {
        const { payable } = readPaybridgeMetadata(subscription);
        if (!payable || superseded) return [];
        return [
          {
            kind: 'subscription.changed',
            payable,
            subscriptionId: String(subscription.id),
            status: String(subscription.status),
            object: subscription,
          },
        ];
      },
      (subscription) => `subscription ${typeof subscription.status === 'string' ? subscription.status : ''} recorded`,
    ),
  );
  // Renewal payments become facts when the subscriptions module lands; until then the version is kept.
  registry.on('subscription_invoice', INVOICE_TYPES, async (input) =>
    translateOwned(
      input,
      () => [],
      () => 'renewal invoice recorded',
    ),
  );
}
