import Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import type { SandboxFixture } from './use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export interface SignedEvents {
  /** Every event delivered since the last `clear()`, in arrival order, each verified with `constructEvent`. */
  events(): Promise<Stripe.Event[]>;
  types(): Promise<string[]>;
  /** Waits for in-flight deliveries, then forgets what arrived so far. */
  clear(): Promise<void>;
}

const verifier = new Stripe('sk_test_unused');

/**
 * Subscribes a real HTTP receiver to every event of the fixture's account, so a test reads the
 * events of a flow the way an integration gets them: signed, and in delivery order.
 */
export function useSignedEvents(t: SandboxFixture): SignedEvents {
  let receiver: WebhookReceiver;
  let secret = '';
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const endpoint = await t.stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    secret = endpoint.secret!;
  });
  afterAll(() => receiver?.close());
  const events = async () => {
    if (!(await t.sb.waitForDeliveries(10_000))) throw new Error('webhook deliveries did not finish');
    return receiver.received.map((r) => verifier.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), secret));
  };
  return {
    events,
    types: async () => (await events()).map((e) => e.type),
    clear: async () => {
      await t.sb.waitForDeliveries(10_000);
      receiver.received.length = 0;
    },
  };
}
