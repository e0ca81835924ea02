import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboundDispatcher } from '../../../src/modules/outbound-webhooks/dispatcher';
import { listDomainEventsAfter } from '../../../src/store/domain-events';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createEndpoint, createTenant, recordEvents, startReceiver, verifyWith, type Receiver } from './support';

const HOUR = 3600_000;

describe('outbound webhook delivery to a real receiver', () => {
  let h: TestHarness;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
  });
  afterEach(() => h.setNow(null));
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  it('sends one delivery per domain event to each subscribed endpoint, verifiable with standardwebhooks', async () => {
    const tenantId = await createTenant(h);
    const otherTenant = await createTenant(h, 'Other platform');
    const all = await receiver();
    const paidOnly = await receiver();
    const allEndpoint = await createEndpoint(h, tenantId, { url: all.url });
    const paidEndpoint = await createEndpoint(h, tenantId, { url: paidOnly.url, event_types: ['invoice.paid'] });
    expect(allEndpoint.event_types).toEqual(['*']);
    expect(allEndpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(allEndpoint.secret.slice(6), 'base64').length).toBe(32);

    await recordEvents(h, tenantId, [
      { type: 'invoice.paid', object: { type: 'invoice', id: 'inv_1' }, snapshot: { id: 'inv_1', status: 'paid', amount_due: 1999 } },
      { type: 'invoice.voided', object: { type: 'invoice', id: 'inv_2' } },
      { type: 'subscription.updated', object: { type: 'subscription', id: 'sub_1' } },
    ]);
    await recordEvents(h, otherTenant, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_other' } }]);

    const dispatcher = new OutboundDispatcher(h.ctx);
    await dispatcher.drain();

    expect(all.requests).toHaveLength(3);
    expect(paidOnly.requests).toHaveLength(1);
    const events = await listDomainEventsAfter(h.ctx.store.db, tenantId, 0, { limit: 10 });
    const bodies = all.requests.map((request) => verifyWith(allEndpoint.secret, request));
    expect(bodies.map((body) => body.type).sort()).toEqual(['invoice.paid', 'invoice.voided', 'subscription.updated']);
    // webhook-id is the domain event's id: one per event, shared by every endpoint.
    expect(all.requests.map((r) => r.headers['webhook-id']).sort()).toEqual(events.map((e) => e.id).sort());
    const paid = verifyWith(paidEndpoint.secret, paidOnly.requests[0]!);
    expect(paid).toMatchObject({
      type: 'invoice.paid',
      data: {
        object_type: 'invoice',
        object_id: 'inv_1',
        sequence: events.find((e) => e.type === 'invoice.paid')!.sequence,
        object: { id: 'inv_1', status: 'paid', amount_due: 1999 },
        cause: { stripe_event_id: null, connection_id: null },
      },
    });
    expect(paidOnly.requests[0]!.headers['webhook-id']).toBe(events.find((e) => e.type === 'invoice.paid')!.id);
    // A signature by another endpoint's secret does not verify.
    expect(() => verifyWith(paidEndpoint.secret, all.requests[0]!)).toThrow();

    // Nothing is sent twice.
    await dispatcher.drain();
    expect(all.requests).toHaveLength(3);
  });

  it('retries 500 three times then 200 with the same webhook-id, and the log shows four attempts', async () => {
    const tenantId = await createTenant(h);
    const flaky = await receiver((_request, index) => (index < 3 ? { status: 500, body: 'try later' } : { status: 200, body: 'ok' }));
    const endpoint = await createEndpoint(h, tenantId, { url: flaky.url });
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_retry' } }]);
    const dispatcher = new OutboundDispatcher(h.ctx);

    let now = Date.now();
    h.setNow(new Date(now));
    expect(await dispatcher.runOnce()).toBe(1);
    // Not due again before its wait (5 s ±20 %, then 5 min, then 30 min).
    expect(await dispatcher.runOnce()).toBe(0);
    for (const wait of [6_000, 6 * 60_000, 36 * 60_000]) {
      now += wait;
      h.setNow(new Date(now));
      expect(await dispatcher.runOnce()).toBe(1);
    }
    expect(flaky.requests).toHaveLength(4);
    const ids = new Set(flaky.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const request of flaky.requests) verifyWith(endpoint.secret, request);

    const log = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(log.status).toBe(200);
    const [delivery] = log.body.data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, webhook_id: [...ids][0], next_retry_at: null });
    expect(delivery.attempt_log.map((a: any) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(delivery.attempt_log[0].response_body).toBe('try later');
    expect(delivery.last_response).toMatchObject({ status_code: 200, body: 'ok' });
  });

  it('signs with both secrets during a rotation overlap, and only the new one after', async () => {
    const tenantId = await createTenant(h);
    const target = await receiver();
    const endpoint = await createEndpoint(h, tenantId, { url: target.url });
    const rotated = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_rot' } }]);
    const dispatcher = new OutboundDispatcher(h.ctx);
    await dispatcher.drain();
    const [request] = target.requests;
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWith(endpoint.secret, request!).type).toBe('invoice.paid');
    expect(verifyWith(rotated.body.secret, request!).type).toBe('invoice.paid');

    // 25 hours later the old secret no longer signs.
    h.setNow(new Date(Date.now() + 25 * HOUR));
    await recordEvents(h, tenantId, [{ type: 'invoice.voided', object: { type: 'invoice', id: 'inv_rot' } }]);
    await dispatcher.drain();
    const later = target.requests[1]!;
    expect(String(later.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyWith(rotated.body.secret, later).type).toBe('invoice.voided');
    expect(() => verifyWith(endpoint.secret, later)).toThrow();
  });

  it('disables an endpoint that answers 410 Gone and records webhook_endpoint.disabled', async () => {
    const tenantId = await createTenant(h);
    const gone = await receiver(() => ({ status: 410 }));
    const watcher = await receiver();
    const endpoint = await createEndpoint(h, tenantId, { url: gone.url });
    const watching = await createEndpoint(h, tenantId, { url: watcher.url, event_types: ['webhook_endpoint.disabled'] });
    await recordEvents(h, tenantId, [
      { type: 'invoice.paid', object: { type: 'invoice', id: 'inv_gone1' } },
      { type: 'invoice.paid', object: { type: 'invoice', id: 'inv_gone2' } },
    ]);
    const dispatcher = new OutboundDispatcher(h.ctx, { perEndpoint: 1 });
    await dispatcher.drain();

    const view = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}`);
    expect(view.body).toMatchObject({ status: 'disabled', disabled_reason: 'The receiver answered 410 Gone.' });
    // The first 410 stops it: the second delivery is never sent and is not retried.
    expect(gone.requests).toHaveLength(1);
    const failed = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/deliveries?status=failed`);
    expect(failed.body.data).toHaveLength(1);
    expect(failed.body.data[0].attempt_log[0].status_code).toBe(410);
    // Its other endpoints hear about it.
    expect(watcher.requests).toHaveLength(1);
    expect(verifyWith(watching.secret, watcher.requests[0]!)).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { object_type: 'webhook_endpoint', object_id: endpoint.id, object: { status: 'disabled' } },
    });
  });

  it('keeps one object in domain event order: a newer update waits for a failing older one', async () => {
    const tenantId = await createTenant(h);
    let healthy = false;
    const target = await receiver(() => ({ status: healthy ? 200 : 503 }));
    const endpoint = await createEndpoint(h, tenantId, { url: target.url });
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_order' }, snapshot: { n: 1 } }]);
    await recordEvents(h, tenantId, [{ type: 'invoice.voided', object: { type: 'invoice', id: 'inv_order' }, snapshot: { n: 2 } }]);
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_other_object' }, snapshot: { n: 3 } }]);
    const dispatcher = new OutboundDispatcher(h.ctx);
    const now = Date.now();
    h.setNow(new Date(now));
    await dispatcher.drain();
    // The first update of inv_order and the other object were tried; the second update of inv_order waits.
    expect(target.requests.map((r) => JSON.parse(r.body).data.object.n).sort()).toEqual([1, 3]);
    healthy = true;
    h.setNow(new Date(now + 10_000));
    await dispatcher.drain();
    const ofOrder = target.requests.filter((r) => JSON.parse(r.body).data.object_id === 'inv_order');
    // Failed, retried and succeeded, and only then the newer update.
    expect(ofOrder.map((r) => JSON.parse(r.body).data.object.n)).toEqual([1, 1, 2]);
    const sequences = ofOrder.map((r) => JSON.parse(r.body).data.sequence);
    expect(sequences[2]).toBeGreaterThan(sequences[0]);
    const log = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/deliveries?status=succeeded`);
    expect(log.body.data).toHaveLength(3);
  });

  it('honours Retry-After and does not follow redirects', async () => {
    const tenantId = await createTenant(h);
    const elsewhere = await receiver();
    const busy = await receiver(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const redirecting = await receiver(() => ({ status: 307, headers: { location: elsewhere.url } }));
    const busyEndpoint = await createEndpoint(h, tenantId, { url: busy.url });
    const redirectEndpoint = await createEndpoint(h, tenantId, { url: redirecting.url });
    const now = Date.now();
    h.setNow(new Date(now));
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_ra' } }]);
    await new OutboundDispatcher(h.ctx).drain();

    const busyLog = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${busyEndpoint.id}/deliveries`);
    expect(busyLog.body.data[0]).toMatchObject({ status: 'pending', attempts: 1, next_retry_at: new Date(now + 120_000).toISOString() });
    const redirectLog = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${redirectEndpoint.id}/deliveries`);
    expect(redirectLog.body.data[0]).toMatchObject({
      status: 'pending',
      last_response: { status_code: 307, error: 'redirect not followed' },
    });
    expect(redirecting.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('opens the circuit of an endpoint that keeps failing while the others are delivered', async () => {
    const tenantId = await createTenant(h);
    const dead = await receiver(() => ({ status: 500 }));
    const alive = await receiver();
    const deadEndpoint = await createEndpoint(h, tenantId, { url: dead.url });
    const aliveEndpoint = await createEndpoint(h, tenantId, { url: alive.url });
    await recordEvents(
      h,
      tenantId,
      Array.from({ length: 12 }, (_, i) => ({ type: 'invoice.paid', object: { type: 'invoice', id: `inv_cb${i}` } })),
    );
    const dispatcher = new OutboundDispatcher(h.ctx, { breakerThreshold: 5, perEndpoint: 4 });
    const now = Date.now();
    h.setNow(new Date(now));
    await dispatcher.drain();
    expect(alive.requests).toHaveLength(12);
    // 4 at once, then the circuit opened after 5 failures in a row: 8 tried, 4 held back untried.
    expect(dead.requests.length).toBeLessThan(12);
    const view = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${deadEndpoint.id}`);
    expect(view.body.circuit_open_until).not.toBeNull();
    expect(view.body.failing_since).not.toBeNull();
    const held = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${deadEndpoint.id}/deliveries?status=pending&limit=100`);
    expect(held.body.data.some((d: any) => d.attempts === 0)).toBe(true);
    // After the open period, one probe at a time.
    h.setNow(new Date(new Date(view.body.circuit_open_until).getTime() + 1000));
    const before = dead.requests.length;
    await dispatcher.runOnce();
    expect(dead.requests.length - before).toBe(1);
    const aliveView = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${aliveEndpoint.id}`);
    expect(aliveView.body).toMatchObject({ status: 'enabled', circuit_open_until: null, failing_since: null });
  });

  it('disables an endpoint after 5 days of failures', async () => {
    const tenantId = await createTenant(h);
    const dead = await receiver(() => ({ status: 502 }));
    const endpoint = await createEndpoint(h, tenantId, { url: dead.url });
    const dispatcher = new OutboundDispatcher(h.ctx);
    let now = Date.now();
    h.setNow(new Date(now));
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_5d_a' } }]);
    await dispatcher.drain();
    // Three days on, the first delivery has used up its attempts; a new one fails as well.
    for (let day = 1; day <= 5; day++) {
      now += 24 * HOUR + 60_000;
      h.setNow(new Date(now));
      await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: `inv_5d_${day}` } }]);
      await dispatcher.drain();
      const view = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}`);
      expect(view.body.status).toBe(day < 5 ? 'enabled' : 'disabled');
    }
    const view = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}`);
    expect(view.body.disabled_reason).toBe('Every delivery failed for 5 days.');
    const events = await listDomainEventsAfter(h.ctx.store.db, tenantId, 0, { limit: 100, types: ['webhook_endpoint.disabled'] });
    expect(events).toHaveLength(1);
  });

  it('redelivers a finished delivery with the same webhook-id, and sends a ping on test', async () => {
    const tenantId = await createTenant(h);
    const target = await receiver();
    const endpoint = await createEndpoint(h, tenantId, { url: target.url });
    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_redo' } }]);
    const dispatcher = new OutboundDispatcher(h.ctx);
    await dispatcher.drain();
    const log = await h.api('GET', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/deliveries`);
    const deliveryId = log.body.data[0].id;
    const redo = await h.api('POST', `/api/v1/tenants/${tenantId}/deliveries/${deliveryId}/redeliver`);
    expect(redo.status).toBe(202);
    expect(redo.body.status).toBe('pending');
    await dispatcher.drain();
    expect(target.requests).toHaveLength(2);
    expect(target.requests[1]!.headers['webhook-id']).toBe(target.requests[0]!.headers['webhook-id']);
    expect(target.requests[1]!.body).toBe(target.requests[0]!.body);

    const ping = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/test`);
    expect(ping.status).toBe(202);
    await dispatcher.drain();
    expect(verifyWith(endpoint.secret, target.requests[2]!)).toMatchObject({ type: 'ping', data: { endpoint_id: endpoint.id } });
  });
});
