import { applyCheckoutSessionToInvoice } from '../billing/invoice-payments';
import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

const TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;

/** Checkout sessions complete invoices (payment links), subscriptions, top-ups and licenses. */
export function registerCheckoutSessionHandlers(registry: HandlerRegistry): void {
  registry.on('checkout.session', TYPES, async (input) => {
    // Invoice effects first: a superseded failure still belongs on the invoice's timeline.
    const invoiceEffect = await applyCheckoutSessionToInvoice(input);
    if (invoiceEffect) return invoiceEffect;
    const stop = guardOwnedObject(input);
    if (stop) return stop;
    return { status: 'processed', note: 'checkout session recorded' };
  });
}
