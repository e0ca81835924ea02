import { applyCheckoutSessionToInvoice } from '../billing/invoice-payments';
import { FEATURE_EVENTS } from '../stripe/features';
import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

// The checkout feature's events are exactly the checkout.session family.
const TYPES = FEATURE_EVENTS.checkout;

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
