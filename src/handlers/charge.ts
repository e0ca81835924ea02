import type { HandlerRegistry } from './registry';
import { guardOwnedObject } from './record-owned';

const TYPES = [
  'charge.succeeded',
  'charge.failed',
  'charge.pending',
  'charge.expired',
  'charge.refunded',
  'charge.refund.updated',
] as const;

/** Charges and refunds of payments Paybridge started; refunds are recorded against their payment. */
export function registerChargeHandlers(registry: HandlerRegistry): void {
  registry.on('charge', TYPES, async (input) => {
    const stop = guardOwnedObject(input);
    if (stop) return stop;
    return { status: 'processed', note: 'charge recorded' };
  });
}
