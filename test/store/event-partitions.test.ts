import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { insertEvents } from '../../src/store/events';
import { EventWorker } from '../../src/webhooks/worker';
import { maintainEventPartitions } from '../../src/webhooks/event-retention';
import { describeEachStore, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

/** The partition (table name) each stored delivery of `stripeEventId` sits in. */
async function partitionsOf(h: TestHarness, stripeEventId: string): Promise<string[]> {
  const rows = await sql<{ partition: string }>`
    select tableoid::regclass::text as partition from events where stripe_event_id = ${stripeEventId}`.execute(h.ctx.store.db);
  return rows.rows.map((row) => row.partition);
}

/** Delivers `event` over HTTP with the clock at `at`; returns the answer's body. */
async function deliverAt(h: TestHarness, at: string, connectionId: string, secret: string, event: object) {
  h.setNow(new Date(at));
  try {
    const response = await deliver(h, connectionId, event, { secrets: [secret] });
    expect(response.status).toBe(200);
    return response.body as { duplicate: boolean };
  } finally {
    h.setNow(null);
  }
}

async function maintainAt(h: TestHarness, at: string, retentionDays?: number) {
  h.setNow(new Date(at));
  try {
    return await maintainEventPartitions(h.ctx, retentionDays);
  } finally {
    h.setNow(null);
  }
}

async function lagSum(h: TestHarness): Promise<number> {
  const metric = await h.ctx.metrics.processingLag.get();
  return metric.values.find((value) => value.metricName === 'paybridge_event_processing_lag_seconds_sum')?.value ?? 0;
}

// Each test works in its own far-future months, so the months the suite's real clock uses stay untouched
// until the retention test, which runs last.
describeEachStore('events partitioned by month', (h) => {
  it('creates this month and the next two ahead, once', async () => {
    const report = await maintainAt(h(), '2031-01-20T12:00:00Z');
    expect(report.created).toEqual([
      'events_p203101',
      'events_p203102',
      'events_p203103',
      'event_attempts_p203101',
      'event_attempts_p203102',
      'event_attempts_p203103',
    ]);
    expect((await maintainAt(h(), '2031-01-21T12:00:00Z')).created).toEqual([]);
  });

  it('refuses a duplicate of an event stored in the previous partition', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const event = stripeEvent('customer.created', { id: 'cus_dup_across', object: 'customer', metadata: {} });
    expect((await deliverAt(h(), '2031-01-31T23:59:58Z', connection.id, secret, event)).duplicate).toBe(false);
    expect((await deliverAt(h(), '2031-02-01T00:00:03Z', connection.id, secret, event)).duplicate).toBe(true);
    expect(await partitionsOf(h(), event.id)).toEqual(['events_p203101']);
    // Also when the redelivery comes in a batch with new events, through the store's batch insert.
    const other = stripeEvent('customer.created', { id: 'cus_dup_other', object: 'customer', metadata: {} });
    expect((await deliverAt(h(), '2031-02-01T00:00:04Z', connection.id, secret, other)).duplicate).toBe(false);
    expect(await partitionsOf(h(), other.id)).toEqual(['events_p203102']);
    h().setNow(new Date('2031-02-01T00:00:05Z'));
    try {
      expect(await new EventWorker(h().ctx).drain()).toBe(2); // once each: nothing left for the next test
    } finally {
      h().setNow(null);
    }
  });

  it('processes events of one object across a month boundary in Stripe order, with the lag measured from each receipt', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const object = (name: string) => ({ id: 'cus_boundary', object: 'customer', name, metadata: {} });
    const first = stripeEvent('customer.created', object('first'), { created: 1_900_000_000 });
    const second = stripeEvent('customer.updated', object('second'), { created: 1_900_000_010 });
    // The newer version arrives first, in February; the older one last, in March.
    await deliverAt(h(), '2031-02-28T23:59:59Z', connection.id, secret, second);
    await deliverAt(h(), '2031-03-01T00:00:01Z', connection.id, secret, first);
    expect([...(await partitionsOf(h(), second.id)), ...(await partitionsOf(h(), first.id))]).toEqual(['events_p203102', 'events_p203103']);

    const before = await lagSum(h());
    h().setNow(new Date('2031-03-01T00:00:11Z'));
    try {
      await new EventWorker(h().ctx).drain();
    } finally {
      h().setNow(null);
    }
    const rows = await h()
      .ctx.store.db.selectFrom('events')
      .select(['stripe_event_id', 'status'])
      .where('connection_id', '=', connection.id)
      .orderBy('stripe_created')
      .execute();
    expect(rows).toEqual([
      { stripe_event_id: first.id, status: 'processed' },
      { stripe_event_id: second.id, status: 'processed' },
    ]);
    const stored = await h()
      .ctx.store.db.selectFrom('stripe_objects')
      .select(['version_event_id', 'data'])
      .where('connection_id', '=', connection.id)
      .where('stripe_id', '=', 'cus_boundary')
      .executeTakeFirstOrThrow();
    expect(stored.version_event_id).toBe(second.id);
    expect((stored.data as { name: string }).name).toBe('second');
    // 12 s for the February event, 10 s for the March one.
    expect(await lagSum(h())).toBeCloseTo(before + 22, 3);
  });

  it('stores a delivery whose month has no partition yet, and the next round moves it into its own partition', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const event = stripeEvent('customer.created', { id: 'cus_no_partition', object: 'customer', metadata: {} });
    expect((await deliverAt(h(), '2034-06-10T08:00:00Z', connection.id, secret, event)).duplicate).toBe(false);
    expect(await partitionsOf(h(), event.id)).toEqual(['events_default']);

    const report = await maintainAt(h(), '2031-03-05T00:00:00Z');
    expect(report.created).toContain('events_p203406');
    expect(await partitionsOf(h(), event.id)).toEqual(['events_p203406']);
    const stray = await sql<{ count: string }>`select count(*) as count from events_default`.execute(h().ctx.store.db);
    expect(Number(stray.rows[0]!.count)).toBe(0);
    // Its key moved nowhere: a redelivery is still refused.
    expect((await deliverAt(h(), '2034-06-10T09:00:00Z', connection.id, secret, event)).duplicate).toBe(true);
  });

  it('retention drops a month past it, keeps a month still holding work, and a redelivery inside the dedupe window is still refused', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const customer = (id: string) => stripeEvent('customer.created', { id, object: 'customer', metadata: {} });
    const old = customer('cus_retained_old');
    const recent = customer('cus_retained_recent');
    await maintainAt(h(), '2034-12-05T00:00:00Z');
    await deliverAt(h(), '2035-01-02T10:00:00Z', connection.id, secret, old);
    await deliverAt(h(), '2035-01-25T10:00:00Z', connection.id, secret, recent);
    h().setNow(new Date('2035-01-26T00:00:00Z'));
    try {
      await new EventWorker(h().ctx).drain(); // this file's earlier events too: nothing left to do
    } finally {
      h().setNow(null);
    }
    // What a disabled connection leaves: a December event held paused, work retention must not lose.
    const paused = new Date('2034-12-20T10:00:00Z');
    await insertEvents(h().ctx.store.db, [
      {
        connection_id: connection.id,
        tenant_id: connection.tenant_id,
        stripe_event_id: 'evt_held_paused',
        type: 'customer.created',
        livemode: false,
        api_version: null,
        stripe_created: Math.floor(paused.getTime() / 1000),
        object_id: 'cus_paused',
        object_type: 'customer',
        payload: '{}',
        source: 'webhook',
        status: 'paused',
        received_at: paused,
        next_attempt_at: paused,
      },
    ]);

    // 10 days of retention on 2035-02-15: December and January ended before the cutoff (02-05). (The
    // 2031 months went at the 2034-12-05 round above, past the default 90 days.)
    const report = await maintainAt(h(), '2035-02-15T00:00:00Z', 10);
    expect(report.dropped.sort()).toEqual(['event_attempts_p203412', 'event_attempts_p203501', 'events_p203406', 'events_p203501']);
    expect(report.kept).toEqual([{ name: 'events_p203412', pending: 1 }]);
    expect(await partitionsOf(h(), recent.id)).toEqual([]);
    expect(await partitionsOf(h(), 'evt_held_paused')).toEqual(['events_p203412']);

    // The key of a delivery 44 days old is past the 35-day window and pruned; 21 days old is kept,
    // so a redelivery (or a backfill page) of that event is refused although its payload is gone.
    // The paused event's key is older still but stays with its stored event.
    const keys = await h()
      .ctx.store.db.selectFrom('event_keys')
      .select('stripe_event_id')
      .where('connection_id', '=', connection.id)
      .orderBy('received_at')
      .execute();
    expect(keys.map((key) => key.stripe_event_id)).toEqual(['evt_held_paused', recent.id]);
    expect(report.keysDeleted).toBeGreaterThanOrEqual(1);
    expect((await deliverAt(h(), '2035-02-15T00:00:01Z', connection.id, secret, recent)).duplicate).toBe(true);
    expect(await partitionsOf(h(), recent.id)).toEqual([]);
  });
});
