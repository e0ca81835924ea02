import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import type { HandlerRegistry } from './registry';
import { translateRecorded } from './record-owned';

/**
 * Disputes are tracked from the dispute object's own status: `funds_reinstated` moves money back but
 * does not mean the dispute was won, so the event type is never taken as the outcome.
 */
export function registerDisputeHandlers(registry: HandlerRegistry): void {
  registry.on(
    'dispute',
    [
      'charge.dispute.created',
      'charge.dispute.updated',
      'charge.dispute.closed',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
    ],
    async (input) =>
      translateRecorded(input, (dispute) => [
        {
          kind: 'dispute.changed',
          payable: readPaybridgeMetadata(dispute).payable,
          disputeId: String(dispute.id),
          status: String(dispute.status),
          object: dispute,
        },
      ]),
  );
}
