import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server';
import { newId } from '../../src/ids';
import type { IncomingEvent } from '../../src/store/events';
import { EventWriter } from '../../src/webhooks/event-writer';
import { signStripePayload } from '../../src/webhooks/signature';
import { createHarness, describeEachStore, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

async function postSigned(url: string, body: string, secret: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, [secret], Math.floor(Date.now() / 1000)) },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('one bad event never fails another tenant’s deliveries, over real HTTP [postgres]', () => {
  let h: TestHarness;
  let server: RunningServer;
  beforeAll(async () => {
    h = await createHarness('postgres');
    server = await startServer(h.ctx, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('refuses NUL characters with 400 before the insert, while 300 concurrent deliveries of another tenant all get 2xx', async () => {
    const attacker = await insertTestConnection(h, { features: ['customers'] });
    const victim = await insertTestConnection(h, { features: ['customers'] });
    const poisoned = [
      stripeEvent('customer.created', { id: 'cus_\u0000a', object: 'customer', metadata: {} }),
      stripeEvent('customer.created', { id: 'cus_b', object: 'cus\u0000tomer', metadata: {} }),
      { ...stripeEvent('customer.created', { id: 'cus_c', object: 'customer', metadata: {} }), api_version: '2026-10-28\u0000' },
      stripeEvent('customer.created', { id: 'cus_d', object: 'customer', metadata: { note: 'a\u0000b' } }),
    ];
    const normal = Array.from({ length: 300 }, (_, i) =>
      stripeEvent('customer.created', { id: `cus_victim${i}`, object: 'customer', metadata: {} }, { id: `evt_victim${i}` }),
    );
    const attackerUrl = `${server.url}/webhooks/stripe/${attacker.connection.id}`;
    const victimUrl = `${server.url}/webhooks/stripe/${victim.connection.id}`;
    // Interleaved, so the bad events arrive in the same turn of the event loop as good ones.
    const sends: Promise<number>[] = [];
    normal.forEach((event, i) => {
      sends.push(postSigned(victimUrl, JSON.stringify(event), victim.secret));
      if (i % 75 === 0) for (const bad of poisoned) sends.push(postSigned(attackerUrl, JSON.stringify(bad), attacker.secret));
    });
    const statuses = await Promise.all(sends);

    const victimStored = await h.ctx.store.db
      .selectFrom('events')
      .select('stripe_event_id')
      .where('connection_id', '=', victim.connection.id)
      .execute();
    expect(victimStored).toHaveLength(300);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 400)).toHaveLength(4 * 4);
    const attackerStored = await h.ctx.store.db
      .selectFrom('events')
      .select('id')
      .where('connection_id', '=', attacker.connection.id)
      .execute();
    expect(attackerStored).toEqual([]);
  });
});

describeEachStore('event writer batches', (h) => {
  it('fails only the rows the store refuses, with fewer inserts than one per row, and stores a key repeated in the batch once', async () => {
    const { connection } = await insertTestConnection(h(), { features: ['customers'] });
    let statements = 0;
    const counted = h().ctx.store.db.withPlugin({
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const writer = new EventWriter(counted, { maxBatch: 500, maxInFlight: 1 });
    const now = h().ctx.now();
    const row = (stripeEventId: string, objectId: string): IncomingEvent => ({
      connection_id: connection.id,
      tenant_id: connection.tenant_id,
      stripe_event_id: stripeEventId,
      type: 'customer.created',
      livemode: false,
      api_version: null,
      stripe_created: Math.floor(now.getTime() / 1000),
      object_id: objectId,
      object_type: 'customer',
      payload: '{}',
      source: 'webhook',
      status: 'received',
      received_at: now,
      next_attempt_at: now,
    });
    const ids = Array.from({ length: 40 }, (_, i) => `evt_batch_${i}_${newId('event')}`);
    const refused = new Set([3, 22, 23]);
    // Row 30 repeats row 5's key, so the first half stores it and the second finds it stored.
    const rows = ids.map((id, i) => row(i === 30 ? ids[5]! : id, refused.has(i) ? 'cus_\u0000' : `cus_${i}`));
    // Written in one turn of the event loop: one batch. PostgreSQL cannot store the NUL.
    const outcomes = await Promise.allSettled(rows.map((event) => writer.write(event)));

    expect(outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []))).toEqual([3, 22, 23]);
    expect(outcomes[5]).toEqual({ status: 'fulfilled', value: 'stored' });
    expect(outcomes[30]).toEqual({ status: 'fulfilled', value: 'duplicate' });
    // Row by row after the failed batch would be 1 + 40 inserts; halving needs 21 here.
    expect(statements).toBeLessThan(ids.length);
    const stored = await h()
      .ctx.store.db.selectFrom('events')
      .select('stripe_event_id')
      .where('connection_id', '=', connection.id)
      .execute();
    expect(stored).toHaveLength(40 - refused.size - 1);
    expect(stored.filter((r) => r.stripe_event_id === ids[5])).toHaveLength(1);
  });
});
