import type { ClaimedDelivery } from '../../store/outbound-webhooks';

/**
 * The body of a delivery, in the Standard Webhooks shape `{type, timestamp, data}`. `data` carries the
 * object's snapshot with its `sequence` (the tenant's domain event number, which only grows, so a
 * receiver can drop an update older than one it has) and its cause. Built from the stored domain
 * event alone, so every attempt sends the very same bytes.
 */
export function deliveryBody(delivery: ClaimedDelivery): string {
  if (delivery.payload !== null) return delivery.payload;
  return JSON.stringify({
    type: delivery.event_type,
    timestamp: new Date(delivery.event_created_at ?? 0).toISOString(),
    data: {
      object_type: delivery.object_type,
      object_id: delivery.object_id,
      sequence: delivery.sequence,
      object: delivery.event_snapshot,
      cause: { stripe_event_id: delivery.stripe_event_id, connection_id: delivery.connection_id },
    },
  });
}

/** The body of a `ping` sent by the test button (no domain event behind it). */
export function pingBody(endpointId: string, now: Date): string {
  return JSON.stringify({ type: 'ping', timestamp: now.toISOString(), data: { endpoint_id: endpointId } });
}
