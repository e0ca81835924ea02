import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type DeliveryRecord, type RunningSandbox } from '../index';
import { controlGet, controlPost } from '../testing/control-client';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';

const HOUR = 3600;
let sb: RunningSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // Stripe-like spacing: an hour, then two, then four; nothing would retry within the test's run.
  sb = await startSandbox({ port: 0, retryBaseMs: HOUR * 1000, maxDeliveryAttempts: 4, deliveryTimeoutMs: 2000 });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

async function record(endpointId: string): Promise<DeliveryRecord> {
  const { data } = await controlGet<{ data: DeliveryRecord[] }>(sb.url, `/_sandbox/deliveries?endpoint_id=${endpointId}`);
  return data[0]!;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

describe('delivery retries run on the sandbox clock', () => {
  it('each retry falls due when the clock is advanced past it, until a 2xx', async () => {
    const account = await sb.createAccount();
    const stripe = sb.stripe(account.secret_key);
    receiver.respondWith((_request, index) => (index < 3 ? 500 : 200));
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    await stripe.customers.create({ name: 'retried on the clock' });
    await receiver.waitFor(1);
    await until(async () => (await record(endpoint.id)).next_attempt_at !== null);
    const { now } = await controlGet<{ now: number }>(sb.url, '/_sandbox/clock');
    const first = await record(endpoint.id);
    const due = Date.parse(first.next_attempt_at!) / 1000;
    expect(due).toBeGreaterThanOrEqual(now + HOUR - 2);
    expect(due).toBeLessThanOrEqual(now + HOUR + 2);

    // Short of the due time nothing is sent; past it the retry goes out at once.
    await controlPost(sb.url, '/_sandbox/clock/advance', { seconds: HOUR - 60 });
    // Give a wrongly released retry time to arrive before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.received).toHaveLength(1);
    await controlPost(sb.url, '/_sandbox/clock/advance', { seconds: 61 });
    await receiver.waitFor(2);
    await until(async () => (await record(endpoint.id)).next_attempt_at !== null);
    await controlPost(sb.url, '/_sandbox/clock/advance', { seconds: 2 * HOUR });
    await receiver.waitFor(3);
    await until(async () => (await record(endpoint.id)).next_attempt_at !== null);
    await controlPost(sb.url, '/_sandbox/clock/advance', { seconds: 4 * HOUR });
    expect(await sb.waitForDeliveries(5000)).toBe(true);
    const done = await record(endpoint.id);
    expect(done.attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(done).toMatchObject({ status: 'succeeded', next_attempt_at: null });
    expect((await stripe.events.list({ delivery_success: true })).data.map((e) => e.type)).toEqual(['customer.created']);
  });
});
