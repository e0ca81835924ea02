import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import type { HandlerRegistry } from './registry';
import { translateOwned } from './record-owned';
import { translateRefund } from './refund';

const TYPES = [
  'charge.succeeded',
  'charge.failed',
  'charge.pending',
  'charge.expired',
  'charge.refunded',
  'charge.refund.updated',
] as const;

const REFUND_TYPES: readonly string[] = ['charge.refunded', 'charge.refund.updated'];

/** Charges of payments Paybridge started; refunds become facts about the payable the charge paid. */
export function registerChargeHandlers(registry: HandlerRegistry): void {
  registry.on('charge', TYPES, async (input) =>
    // `charge.refund.updated` carries the refund itself, stored as the refund's version: it is read as one.
    input.event.data.object.object === 'refund'
      ? translateRefund(input)
      : translateOwned(
          input,
          (charge, superseded) => {
            const { payable } = readPaybridgeMetadata(charge);
            if (!payable || superseded || !REFUND_TYPES.includes(input.event.type) || charge.object !== 'charge') return [];
            const refunded = Number(charge.amount_refunded);
            return [
              {
                kind: 'refund.changed',
                payable,
                chargeId: String(charge.id),
                amountRefunded: Number.isSafeInteger(refunded) ? refunded : 0,
                object: charge,
              },
            ];
          },
          () => 'charge recorded',
        ),
  );
}
