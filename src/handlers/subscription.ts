import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

const SUBSCRIPTION_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.pending_update_expired',
] as const;
const INVOICE_TYPES = ['invoice.paid', 'invoice.payment_succeeded', 'invoice.payment_failed'] as const;

/** Subscriptions and their renewal invoices (Stripe's invoices, not Paybridge's own). */
export function registerSubscriptionHandlers(registry: HandlerRegistry): void {
  registry.on('subscription', SUBSCRIPTION_TYPES, async (input) => {
    const stop = guardOwnedObject(input);
    if (stop) return stop;
    return { status: 'processed', note: `subscription ${input.object!.current.status ?? ''} recorded` };
  });
  registry.on('subscription_invoice', INVOICE_TYPES, async (input) => {
    const stop = guardOwnedObject(input);
    if (stop) return stop;
    return { status: 'processed', note: 'renewal invoice recorded' };
  });
}
