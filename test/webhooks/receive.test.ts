import { expect, it } from 'vitest';
import { changeConnection } from '../../src/connections/connection-service';
import { findConnection } from '../../src/store/connections';
import { flushWebhookRejections } from '../../src/webhooks/webhook-receiver';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection, randomSigningSecret } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

const customer = (id: string) => ({ id, object: 'customer', email: 'a@example.com', metadata: {} });

describeEachStore('webhook receiver', (h) => {
  async function eventRows(connectionId: string) {
    return h().ctx.store.db.selectFrom('events').selectAll().where('connection_id', '=', connectionId).execute();
  }

  it('stores a verified event, answers 2xx, and stores a redelivery once', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const event = stripeEvent('customer.created', customer('cus_1'));
    const first = await deliver(h(), connection.id, event, { secrets: [secret] });
    expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false, status: 'received' } });
    const again = await deliver(h(), connection.id, event, { secrets: [secret] });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const rows = await eventRows(connection.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      stripe_event_id: event.id,
      type: 'customer.created',
      status: 'received',
      object_id: 'cus_1',
      source: 'webhook',
    });
    expect(JSON.parse(rows[0]!.payload)).toEqual(event);
  });

  it('answers each signature problem with 400 and a reason that says what to check', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const event = stripeEvent('customer.created', customer('cus_2'));
    const now = Math.floor(Date.now() / 1000);
    const cases: [Parameters<typeof deliver>[3], string, RegExp][] = [
      [{ header: null }, 'missing_signature_header', /Stripe-Signature header is missing/],
      [{ header: 'garbage' }, 'malformed_signature_header', /t=<timestamp>,v1=/],
      [{ header: `t=${now}` }, 'malformed_signature_header', /v1=/],
      [{ secrets: [secret], timestamp: now - 301 }, 'timestamp_outside_tolerance', /300 seconds/],
      [{ secrets: [randomSigningSecret()] }, 'no_matching_signature', /whsec_.*we_/],
    ];
    for (const [options, code, message] of cases) {
      const response = await deliver(h(), connection.id, event, options);
      expect(response.status, code).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
    }
    expect(await eventRows(connection.id)).toHaveLength(0);
  });

  it('accepts a header with several v1 signatures when any one matches', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const response = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_3')), {
      secrets: [randomSigningSecret(), secret, randomSigningSecret()],
    });
    expect(response.status).toBe(200);
  });

  it('accepts the old signing secret during the rotation overlap and rejects it after', async () => {
    const { connection, secret: oldSecret } = await insertTestConnection(h());
    const newSecret = randomSigningSecret();
    const start = new Date();
    h().setNow(start);
    try {
      const row = (await findConnection(h().ctx.store.db, connection.id))!;
      await changeConnection(h().ctx, row, { webhook_secret: newSecret });
      const withOld = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_4')), { secrets: [oldSecret] });
      const withNew = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_5')), { secrets: [newSecret] });
      expect([withOld.status, withNew.status]).toEqual([200, 200]);

      h().setNow(new Date(start.getTime() + 24 * 3_600_000 + 1_000));
      const late = Math.floor(h().ctx.now().getTime() / 1000);
      const oldAfter = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_6')), {
        secrets: [oldSecret],
        timestamp: late,
      });
      const newAfter = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_7')), {
        secrets: [newSecret],
        timestamp: late,
      });
      expect(oldAfter.status).toBe(400);
      expect(oldAfter.body.error.code).toBe('no_matching_signature');
      expect(newAfter.status).toBe(200);
    } finally {
      h().setNow(null);
    }
  });

  it('refuses an event whose livemode contradicts the connection, a bad body, a huge body and an unknown connection', async () => {
    const { connection, secret } = await insertTestConnection(h(), { mode: 'test' });
    const live = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_8'), { livemode: true }), {
      secrets: [secret],
    });
    expect(live.status).toBe(400);
    expect(live.body.error).toMatchObject({ code: 'livemode_mismatch' });
    expect(live.body.error.message).toMatch(/test mode/);

    const notEvent = await deliver(h(), connection.id, { hello: 'world' }, { secrets: [secret] });
    expect(notEvent.status).toBe(400);
    expect(notEvent.body.error.code).toBe('invalid_payload');

    const huge = await deliver(h(), connection.id, 'x'.repeat(h().ctx.config.webhookBodyLimitBytes + 1), { secrets: [secret] });
    expect(huge.status).toBe(413);

    const unknown = await deliver(h(), 'conn_doesnotexist0000000', stripeEvent('customer.created', customer('cus_9')), {
      secrets: [secret],
    });
    expect(unknown.status).toBe(404);
    expect(await eventRows(connection.id)).toHaveLength(0);
  });

  it('stores events of a disabled connection as paused and processes them once it is enabled', async () => {
    const { connection, secret } = await insertTestConnection(h());
    let row = (await findConnection(h().ctx.store.db, connection.id))!;
    row = await changeConnection(h().ctx, row, { is_active: false });
    const response = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_10')), { secrets: [secret] });
    expect(response).toMatchObject({ status: 200, body: { status: 'paused' } });
    const worker = new EventWorker(h().ctx);
    await worker.drain();
    expect((await eventRows(connection.id))[0]!.status).toBe('paused');

    await changeConnection(h().ctx, row, { is_active: true });
    await worker.drain();
    const [event] = await eventRows(connection.id);
    expect(event).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('stops accepting events for a disconnected connection with 404, keeping its history', async () => {
    const { connection, secret } = await insertTestConnection(h());
    await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_11')), { secrets: [secret] });
    await h()
      .ctx.store.db.updateTable('connections')
      .set({ disconnected_at: new Date(), is_active: false })
      .where('id', '=', connection.id)
      .execute();
    const { forgetConnection } = await import('../../src/webhooks/connection-cache');
    forgetConnection(h().ctx, connection.id);
    const later = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_12')), { secrets: [secret] });
    expect(later.status).toBe(404);
    expect(await eventRows(connection.id)).toHaveLength(1);
  });

  it('answers 503 and stores nothing when the store cannot take the event', async () => {
    const { connection, secret } = await insertTestConnection(h());
    // Warm the connection cache, then make the events table refuse writes, as a full disk or a
    // failed primary would.
    await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_13')), { secrets: [secret] });
    const { sql } = await import('kysely');
    await sql`alter table events add constraint events_refuse_writes check (stripe_event_id = 'never') not valid`.execute(h().ctx.store.db);
    try {
      const response = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_14')), { secrets: [secret] });
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('store_unavailable');
    } finally {
      await sql`alter table events drop constraint events_refuse_writes`.execute(h().ctx.store.db);
    }
    expect(await eventRows(connection.id)).toHaveLength(1);
  });

  it('counts refused deliveries per connection and reason and reports them', async () => {
    const { connection, tenantId } = await insertTestConnection(h());
    for (let i = 0; i < 3; i++)
      await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_x')), { secrets: [randomSigningSecret()] });
    await flushWebhookRejections(h().ctx);
    const report = await h().api('GET', `/api/v1/tenants/${tenantId}/webhook-rejections`);
    expect(report.status).toBe(200);
    expect(report.body.counts).toEqual([
      expect.objectContaining({ connection_id: connection.id, reason: 'no_matching_signature', count: 3 }),
    ]);
    expect(report.body.samples.length).toBeGreaterThanOrEqual(1);
  });
});

describeEachStore('failed-delivery budget', (h) => {
  it('answers 429 once a connection exceeds its failed deliveries per minute, while valid deliveries still pass', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const forged = stripeEvent('customer.created', customer('cus_forged'));
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) statuses.push((await deliver(h(), connection.id, forged, { secrets: [randomSigningSecret()] })).status);
    expect(statuses.slice(0, 120).every((status) => status === 400)).toBe(true);
    expect(statuses.slice(120).every((status) => status === 429)).toBe(true);
    const genuine = await deliver(h(), connection.id, stripeEvent('customer.created', customer('cus_genuine')), { secrets: [secret] });
    expect(genuine.status).toBe(200);
  });
});

describeEachStore('ingestion metrics', (h) => {
  it('counts received, duplicate, rejected and processed events on /metrics', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const event = stripeEvent('customer.created', customer('cus_metrics'));
    await deliver(h(), connection.id, event, { secrets: [secret] });
    await deliver(h(), connection.id, event, { secrets: [secret] });
    await deliver(h(), connection.id, event, { secrets: [randomSigningSecret()] });
    await new EventWorker(h().ctx).drain();
    const metrics = (await h().app.request('/metrics')).text();
    const text = await metrics;
    expect(text).toMatch(/^paybridge_webhook_events_received_total 1$/m);
    expect(text).toMatch(/^paybridge_webhook_events_duplicate_total 1$/m);
    expect(text).toMatch(/^paybridge_webhook_deliveries_rejected_total\{reason="no_matching_signature"\} 1$/m);
    expect(text).toMatch(/^paybridge_events_processed_total\{outcome="processed"\} 1$/m);
    expect(text).toMatch(/^paybridge_event_processing_lag_seconds_count 1$/m);
  });
});
