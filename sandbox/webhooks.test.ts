import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type DeliveryRecord } from './index';
import { controlGet, controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const t = useSandbox({ retryBaseMs: 15 });
const verifier = new Stripe('sk_test_unused');
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

/** A fresh account per test, so endpoint lists and deliveries never mix. */
async function freshAccount() {
  const account = await t.sb.createAccount();
  receiver.received.length = 0;
  receiver.respondWith(200);
  return { account, stripe: t.sb.stripe(account.secret_key) };
}

function v1Count(header: string): number {
  return header.split(',').filter((part) => part.startsWith('v1=')).length;
}

describe('webhook endpoints', () => {
  it('CRUD: secret only on create, status enabled/disabled, metadata, api_version', async () => {
    const { stripe } = await freshAccount();
    const created = await stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ['customer.created'],
      api_version: '2025-01-27.acacia',
      metadata: { by: 'paybridge' },
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      status: 'enabled',
      api_version: '2025-01-27.acacia',
      metadata: { by: 'paybridge' },
      enabled_events: ['customer.created'],
    });
    const fetched = await stripe.webhookEndpoints.retrieve(created.id);
    expect(fetched.secret).toBeUndefined();
    expect((await stripe.webhookEndpoints.list()).data.map((e) => e.secret)).toEqual([undefined]);
    const disabled = await stripe.webhookEndpoints.update(created.id, { disabled: true, enabled_events: ['*'] });
    expect(disabled).toMatchObject({ status: 'disabled', enabled_events: ['*'] });
    expect(await stripe.webhookEndpoints.del(created.id)).toMatchObject({ id: created.id, deleted: true });
    await expect(stripe.webhookEndpoints.retrieve(created.id)).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it("live mode requires https with Stripe's message; at most 16 endpoints", async () => {
    const { account, stripe } = await freshAccount();
    const live = t.sb.stripe(account.live_secret_key);
    await expect(live.webhookEndpoints.create({ url: 'http://example.com/hook', enabled_events: ['*'] })).rejects.toMatchObject({
      message: 'Invalid URL: http://example.com/hook. URLs in livemode must begin with "https://"',
      param: 'url',
    });
    await expect(live.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events: ['*'] })).resolves.toMatchObject({
      livemode: true,
    });
    for (let i = 0; i < 16; i++) await stripe.webhookEndpoints.create({ url: `https://example.com/h${i}`, enabled_events: ['*'] });
    await expect(stripe.webhookEndpoints.create({ url: 'https://example.com/h17', enabled_events: ['*'] })).rejects.toThrow(
      /maximum of 16/,
    );
  });
});

describe('delivery', () => {
  it('delivers each event to every enabled, subscribed endpoint of that account and mode, verifiably signed', async () => {
    const { stripe } = await freshAccount();
    const all = await stripe.webhookEndpoints.create({ url: `${receiver.url}?all`, enabled_events: ['*'] });
    const onlyProducts = await stripe.webhookEndpoints.create({ url: `${receiver.url}?products`, enabled_events: ['product.created'] });
    const off = await stripe.webhookEndpoints.create({ url: `${receiver.url}?off`, enabled_events: ['*'] });
    await stripe.webhookEndpoints.update(off.id, { disabled: true });
    // Another mode of the same account must not reach these endpoints.
    await (await t.sb.stripe((await t.sb.createAccount()).secret_key)).customers.create({ name: 'elsewhere' });
    const customer = await stripe.customers.create({ name: 'hooked' });
    await stripe.products.create({ name: 'hooked product' });
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
    const secrets: Record<string, string> = { '/webhooks?all': all.secret!, '/webhooks?products': onlyProducts.secret! };
    const received = receiver.received.map((request) => {
      const header = String(request.headers['stripe-signature']);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(request.headers['content-type']).toContain('application/json');
      const event = verifier.webhooks.constructEvent(request.body, header, secrets[request.path]!);
      return `${request.path} ${event.type}`;
    });
    expect(received.sort()).toEqual([
      '/webhooks?all customer.created',
      '/webhooks?all product.created',
      '/webhooks?products product.created',
    ]);
    const customerHook = receiver.received.find((r) => r.body.includes('"customer.created"'))!;
    const customerEvent = verifier.webhooks.constructEvent(
      customerHook.body,
      String(customerHook.headers['stripe-signature']),
      all.secret!,
    );
    expect(customerEvent).toMatchObject({ type: 'customer.created', livemode: false, data: { object: { id: customer.id } } });
    const deliveries = await controlGet<{ data: DeliveryRecord[] }>(t.sb.url, `/_sandbox/deliveries?endpoint_id=${onlyProducts.id}`);
    expect(deliveries.data).toHaveLength(1);
    expect(deliveries.data[0]).toMatchObject({ event_type: 'product.created', status: 'succeeded', attempts: [{ status_code: 200 }] });
    const event = await stripe.events.retrieve(customerEvent.id);
    expect(event.pending_webhooks).toBe(0);
    // A verifier holding the other endpoint's secret must fail.
    expect(() =>
      verifier.webhooks.constructEvent(
        receiver.received[0]!.body,
        String(receiver.received[0]!.headers['stripe-signature']),
        'whsec_wrong',
      ),
    ).toThrow();
  });

  it('a rolled secret signs with two v1 values, both valid, until the old one expires', async () => {
    const { stripe } = await freshAccount();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    const rolled = await controlPost<{ secret: string }>(t.sb.url, `/_sandbox/webhook_endpoints/${endpoint.id}/roll_secret`, {
      expires_in_seconds: 3600,
    });
    expect(rolled.body.secret).toMatch(/^whsec_/);
    expect(rolled.body.secret).not.toBe(endpoint.secret);
    await stripe.customers.create({ name: 'rolled' });
    const [request] = await receiver.waitFor(1);
    const header = String(request!.headers['stripe-signature']);
    expect(v1Count(header)).toBe(2);
    expect(verifier.webhooks.constructEvent(request!.body, header, endpoint.secret!).type).toBe('customer.created');
    expect(verifier.webhooks.constructEvent(request!.body, header, rolled.body.secret).type).toBe('customer.created');
    await controlPost(t.sb.url, '/_sandbox/clock/advance', { seconds: 3601 });
    await stripe.customers.create({ name: 'after expiry' });
    const requests = await receiver.waitFor(2);
    const later = String(requests[1]!.headers['stripe-signature']);
    expect(v1Count(later)).toBe(1);
    expect(() => verifier.webhooks.constructEvent(requests[1]!.body, later, endpoint.secret!)).toThrow();
    expect(verifier.webhooks.constructEvent(requests[1]!.body, later, rolled.body.secret).type).toBe('customer.created');
  });

  it('retries on 500 with backoff and stops at the first 2xx; delivery_success follows', async () => {
    const { stripe } = await freshAccount();
    receiver.respondWith((_request, index) => (index < 2 ? 500 : 200));
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    await stripe.customers.create({ name: 'retry me' });
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
    expect(receiver.received).toHaveLength(3);
    const gaps = [receiver.received[1]!.at - receiver.received[0]!.at, receiver.received[2]!.at - receiver.received[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(14);
    expect(gaps[1]).toBeGreaterThanOrEqual(29);
    const { data } = await controlGet<{ data: DeliveryRecord[] }>(t.sb.url, `/_sandbox/deliveries?endpoint_id=${endpoint.id}`);
    expect(data[0]!.attempts.map((a) => a.status_code)).toEqual([500, 500, 200]);
    expect(data[0]!.status).toBe('succeeded');
    // Each attempt is signed afresh and verifies on its own.
    for (const request of receiver.received)
      verifier.webhooks.constructEvent(request.body, String(request.headers['stripe-signature']), endpoint.secret!);
    expect((await stripe.events.list({ delivery_success: true })).data.map((e) => e.type)).toEqual(['customer.created']);

    receiver.respondWith(500);
    await stripe.customers.create({ name: 'never delivered' });
    await receiver.waitFor(4);
    const failing = await stripe.events.list({ delivery_success: false });
    expect(failing.data.map((e) => e.type)).toEqual(['customer.created']);
    expect(failing.data[0]!.pending_webhooks).toBe(1);
    await stripe.webhookEndpoints.del(endpoint.id);
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
  });

  it('chaos: drop, duplicate and shuffle', async () => {
    const { stripe, account } = await freshAccount();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['product.created'] });
    await controlPost(t.sb.url, '/_sandbox/chaos', { drop_rate: 1 });
    await stripe.products.create({ name: 'dropped' });
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
    expect(receiver.received).toHaveLength(0);
    const dropped = await controlGet<{ data: DeliveryRecord[] }>(t.sb.url, `/_sandbox/deliveries?account=${account.id}`);
    expect(dropped.data.map((d) => d.status)).toEqual(['dropped']);
    expect((await stripe.events.list({ delivery_success: false })).data).toHaveLength(1);

    await controlPost(t.sb.url, '/_sandbox/chaos', { drop_rate: 0, duplicate_rate: 1 });
    const product = await stripe.products.create({ name: 'twice' });
    await t.sb.waitForDeliveries(5000);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.map((r) => JSON.parse(r.body).data.object.id)).toEqual([product.id, product.id]);
    expect(JSON.parse(receiver.received[0]!.body).id).toBe(JSON.parse(receiver.received[1]!.body).id);

    await controlPost(t.sb.url, '/_sandbox/chaos', { duplicate_rate: 0, shuffle: true });
    receiver.received.length = 0;
    // Create many products inside one tick so they queue together; shuffled delivery of 12 in
    // emission order would happen by chance with probability 1/12!.
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const created = await Promise.all(names.map((name) => stripe.products.create({ name })));
    await t.sb.waitForDeliveries(5000);
    const order = receiver.received.map((r) => JSON.parse(r.body).data.object.id as string);
    expect([...order].sort()).toEqual(created.map((p) => p.id).sort());
    const emitted = (await stripe.events.list({ limit: 12 })).data.reverse().map((e) => (e.data.object as Stripe.Product).id);
    expect(order).not.toEqual(emitted);
    await controlPost(t.sb.url, '/_sandbox/chaos', { shuffle: false, delay_ms: 0 });
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('chaos: hold keeps the deliveries of the named event types back until the hold is lifted, then sends them in order', async () => {
    const { stripe } = await freshAccount();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['product.created', 'customer.created'] });
    const bad = await controlPost<{ error: { message: string } }>(t.sb.url, '/_sandbox/chaos', { hold: ['product created'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('charge.succeeded');
    expect((await controlPost(t.sb.url, '/_sandbox/chaos', { hold: ['product.*'] })).body).toMatchObject({ hold: ['product.*'] });
    const first = await stripe.products.create({ name: 'held first' });
    const second = await stripe.products.create({ name: 'held second' });
    const customer = await stripe.customers.create({ name: 'not held' });
    // Held deliveries are not outstanding: waiting for deliveries ends with only the customer sent.
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
    expect(receiver.received.map((r) => JSON.parse(r.body).data.object.id)).toEqual([customer.id]);

    await controlPost(t.sb.url, '/_sandbox/chaos', { hold: [] });
    expect(await t.sb.waitForDeliveries(5000)).toBe(true);
    expect(receiver.received.map((r) => JSON.parse(r.body).data.object.id)).toEqual([customer.id, first.id, second.id]);
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('a response slower than deliveryTimeoutMs counts as a failed attempt and is retried; delay_ms holds sends back', async () => {
    const slow = await startSandbox({ port: 0, retryBaseMs: 10, deliveryTimeoutMs: 100 });
    let calls = 0;
    const hanging = http.createServer((_req, res) => {
      calls += 1;
      // The first request outlives the sandbox's timeout; later ones answer at once.
      if (calls === 1) setTimeout(() => res.writeHead(200).end(), 400);
      else res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const account = await slow.createAccount();
      const stripe = slow.stripe(account.secret_key);
      const { port } = hanging.address() as AddressInfo;
      await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/`, enabled_events: ['customer.created'] });
      await stripe.customers.create({ name: 'slow' });
      expect(await slow.waitForDeliveries(5000)).toBe(true);
      const [record] = slow.deliveries();
      expect(record!.attempts[0]).toMatchObject({ status_code: null, error: expect.stringContaining('timed out') });
      expect(record!.attempts.at(-1)).toMatchObject({ status_code: 200 });
      expect(record!.status).toBe('succeeded');

      await controlPost(slow.url, '/_sandbox/chaos', { delay_ms: 150 });
      const started = Date.now();
      await stripe.customers.create({ name: 'delayed' });
      expect(await slow.waitForDeliveries(5000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.close();
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  it('POST /_sandbox/events triggers an arbitrary event for an account', async () => {
    const { stripe, account } = await freshAccount();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['price.deleted'] });
    const { status, body } = await controlPost<Stripe.Event>(t.sb.url, '/_sandbox/events', {
      account: account.id,
      type: 'price.deleted',
      object: { id: 'price_x', object: 'price', active: false },
    });
    expect(status).toBe(201);
    const [request] = await receiver.waitFor(1);
    const event = verifier.webhooks.constructEvent(request!.body, String(request!.headers['stripe-signature']), endpoint.secret!);
    expect(event).toMatchObject({ id: body.id, type: 'price.deleted', data: { object: { id: 'price_x' } } });
  });
});
