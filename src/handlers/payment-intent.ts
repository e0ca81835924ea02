import { applyPaymentIntentToInvoice } from '../billing/invoice-payments';
import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

const TYPES = [
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
] as const;

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
