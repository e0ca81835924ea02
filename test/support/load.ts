import { signStripePayload } from '../../src/webhooks/signature';

export interface Delivery {
  readonly eventId: string;
  readonly body: string;
}

/**
 * Sends every delivery once with `concurrency` requests in flight (bounded: each is sent at most
 * once per call) and returns the status each got; a connection error counts as status 0.
 */
export async function sendAll(url: string, secret: string, deliveries: Delivery[], concurrency: number): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++]!;
      const header = signStripePayload(delivery.body, [secret], Math.floor(Date.now() / 1000));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': header },
          body: delivery.body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        statuses.set(delivery.eventId, response.status);
      } catch {
        statuses.set(delivery.eventId, 0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return statuses;
}
