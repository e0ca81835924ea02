import { applyPaymentIntentToInvoice } from '../billing/invoice-payments';
import { FEATURE_EVENTS } from '../stripe/features';
import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

// Every payment_intent event a feature subscribes to (the payments feature lists them all).
const TYPES = FEATURE_EVENTS.payments.filter((type) => type.startsWith('payment_intent.'));

/** Payment intents drive invoices (paid when the checkout event is missing) and waiting payment requests. */
export function registerPaymentIntentHandlers(registry: HandlerRegistry): void {
  registry.on('payment_intent', TYPES, async (input) => {
    // Invoice effects first: a superseded failure still belongs on the invoice's timeline.
    const invoiceEffect = await applyPaymentIntentToInvoice(input);
    if (invoiceEffect) return invoiceEffect;
    const stop = guardOwnedObject(input);
    if (stop) return stop;
    return { status: 'processed', note: `payment intent ${input.object!.current.status ?? ''} recorded` };
  });
}
