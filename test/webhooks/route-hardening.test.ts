import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { newId } from '../../src/ids';
import { insertEvents } from '../../src/store/events';
import { flushWebhookRejections } from '../../src/webhooks/webhook-receiver';
import { pruneOldRejections } from '../../src/webhooks/rejections';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

const DAY = 24 * 3600_000;

async function tableSizes(db: ReturnType<typeof dbOf>) {
  const counts = await db
    .selectFrom('webhook_rejection_counts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const samples = await db
    .selectFrom('webhook_rejections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { counts: Number(counts.n), samples: Number(samples.n) };
}
const dbOf = (h: { ctx: { store: { db: any } } }) => h.ctx.store.db as import('../../src/store/database').Db;

/** An event whose data.object carries `depth` nested objects, as text (JSON.stringify would overflow first). */
function deepEventText(depth: number): { id: string; created: number; text: string } {
  const event = stripeEvent('customer.created', { id: 'cus_deep', object: 'customer', metadata: {}, deep: 'PLACEHOLDER' });
  const text = JSON.stringify(event).replace('"PLACEHOLDER"', `${'{"next":'.repeat(depth)}{}${'}'.repeat(depth)}`);
  return { id: event.id, created: event.created, text };
}

describeEachStore('webhook route hardening', (h) => {
  it('answers 404, not 5xx, for ids that cannot exist (a NUL, a kilobyte of text)', async () => {
    for (const path of [
      '/webhooks/stripe/%00',
      `/webhooks/stripe/conn_${'x'.repeat(1000)}`,
      '/webhooks/stripe/conn%20x',
      '/webhooks/stripe/%E2%82%AC',
    ]) {
      const response = await h().app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as any).error.code).toBe('unknown_connection');
    }
  });

  it('counts 10,000 requests to random connection ids in one bucket: O(1) rows, never a row per id', async () => {
    await flushWebhookRejections(h().ctx);
    const before = await tableSizes(dbOf(h()));
    const statuses = new Map<number, number>();
    // Sent 50 at a time: each unknown id still costs one lookup, and the machine is shared.
    for (let i = 0; i < 10_000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => send(i + j)));
    async function send(i: number) {
      const id = newId('connection');
      // Half of them claim a body beyond the limit, which used to be refused (and counted) before the lookup.
      const headers: Record<string, string> = { 'content-type': 'application/json', 'stripe-signature': `t=1,v1=${'0'.repeat(64)}` };
      if (i % 2 === 0) headers['content-length'] = String(h().ctx.config.webhookBodyLimitBytes + 1);
      const response = await h().app.request(`/webhooks/stripe/${id}`, { method: 'POST', headers, body: i % 2 === 0 ? '' : '{}' });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    await flushWebhookRejections(h().ctx);
    const after = await tableSizes(dbOf(h()));
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([404]));
    expect([...statuses.keys()].every((status) => status === 404 || status === 429)).toBe(true);
    expect(after.counts - before.counts).toBeLessThanOrEqual(2);
    expect(after.samples - before.samples).toBeLessThanOrEqual(5);
  }, 180_000);

  it('prunes rejection samples after 7 days and idle counters after 30', async () => {
    const db = dbOf(h());
    const { connection } = await insertTestConnection(h());
    const now = h().ctx.now().getTime();
    await db
      .insertInto('webhook_rejections')
      .values([
        {
          id: newId('rejection'),
          connection_id: connection.id,
          reason: 'no_matching_signature',
          detail: 'old',
          received_at: new Date(now - 8 * DAY),
        },
        {
          id: newId('rejection'),
          connection_id: connection.id,
          reason: 'no_matching_signature',
          detail: 'new',
          received_at: new Date(now - DAY),
        },
      ])
      .execute();
    await db
      .insertInto('webhook_rejection_counts')
      .values([
        { connection_id: connection.id, reason: 'body_too_large', count: 3, last_at: new Date(now - 31 * DAY) },
        { connection_id: connection.id, reason: 'invalid_payload', count: 2, last_at: new Date(now - 29 * DAY) },
      ])
      .execute();
    expect(await pruneOldRejections(h().ctx)).toBeGreaterThanOrEqual(2);
    const samples = await db.selectFrom('webhook_rejections').select('detail').where('connection_id', '=', connection.id).execute();
    expect(samples.map((row) => row.detail)).toEqual(['new']);
    const counts = await db.selectFrom('webhook_rejection_counts').select('reason').where('connection_id', '=', connection.id).execute();
    expect(counts.map((row) => row.reason)).toEqual(['invalid_payload']);
  });

  it('refuses a signed payload nested 5,000 deep with 400, and a stored one dies with its reason instead of overflowing the stack on every retry', async () => {
    const { connection, secret } = await insertTestConnection(h(), { features: ['customers'] });
    const deep = deepEventText(5_000);
    const refused = await deliver(h(), connection.id, deep.text, { secrets: [secret] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_payload');
    expect(refused.body.error.message).toMatch(/nested more than/);

    // What a row stored before this check (or by an older version) looks like to the worker.
    const now = h().ctx.now();
    await insertEvents(dbOf(h()), [
      {
        connection_id: connection.id,
        tenant_id: connection.tenant_id,
        stripe_event_id: deep.id,
        type: 'customer.created',
        livemode: false,
        api_version: null,
        stripe_created: deep.created,
        object_id: 'cus_deep',
        object_type: 'customer',
        payload: deep.text,
        source: 'webhook',
        status: 'received',
        received_at: now,
        next_attempt_at: now,
      },
    ]);
    await new EventWorker(h().ctx).drain();
    const row = await dbOf(h())
      .selectFrom('events')
      .select(['status', 'attempts', 'last_error'])
      .where('stripe_event_id', '=', deep.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/nested more than/);
  });

  it('answers no_matching_signature to a v1 off by its last hex digit and to v1 values shorter than 64 hex, storing nothing', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const body = JSON.stringify(stripeEvent('customer.created', { id: 'cus_sig', object: 'customer', metadata: {} }));
    const t = Math.floor(Date.now() / 1000);
    const right = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const lastDigitOff = right.slice(0, 63) + ((parseInt(right[63]!, 16) + 1) % 16).toString(16);
    for (const header of [`t=${t},v1=${lastDigitOff}`, `t=${t},v1=${right.slice(0, 63)}`, `t=${t},v1=${right.slice(0, 32)},v1=abc`]) {
      const response = await deliver(h(), connection.id, body, { header });
      expect(response.status, header).toBe(400);
      expect(response.body.error.code, header).toBe('no_matching_signature');
    }
    const rows = await dbOf(h()).selectFrom('events').select('id').where('connection_id', '=', connection.id).execute();
    expect(rows).toEqual([]);
    expect((await deliver(h(), connection.id, body, { header: `t=${t},v1=${right}` })).status).toBe(200);
  });

  it('refuses a signature timestamp 301 s ahead and accepts one 299 s ahead', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const now = Math.floor(h().ctx.now().getTime() / 1000);
    const ahead = (seconds: number) =>
      deliver(h(), connection.id, stripeEvent('customer.created', { id: `cus_t${seconds}`, object: 'customer', metadata: {} }), {
        secrets: [secret],
        timestamp: now + seconds,
      });
    const early = await ahead(301);
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('timestamp_outside_tolerance');
    expect((await ahead(299)).status).toBe(200);
  });
});
