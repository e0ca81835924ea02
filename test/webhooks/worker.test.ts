import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { ModuleRegistry } from '../../src/domain/module-registry';
import { buildHandlerRegistry } from '../../src/handlers';
import { DEFAULT_RETRY_POLICY } from '../../src/webhooks/backoff';
import { claimDueEvents } from '../../src/store/event-queue';
import { listQueuedJobs } from '../../src/store/jobs';
import { processEvents } from '../../src/webhooks/event-processor';
import { EventWorker, chunksByObject } from '../../src/webhooks/worker';
import type { EventRow } from '../../src/store/schema';
import { describeEachStore, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

/** Modules whose customer fact leaves one durable effect per run (a job row) and fails on request. */
function effectModules(failFor: Set<string> = new Set()) {
  return new ModuleRegistry().register({
    name: 'test',
    feature: 'customers',
    payableTypes: [],
    describes: 'testing effects',
    handles: {
      'customer.changed': async (effects, fact) => {
        if (failFor.has(fact.customerId)) throw new Error(`${fact.customerId} exploded`);
        await effects.enqueue(
          'payment_link.deactivate',
          { invoice_id: effects.cause!.stripeEventId },
          { dedupeKey: `effect:${randomUUID()}` },
        );
        return { status: 'processed', note: `effect for ${fact.customerId}` };
      },
    },
  });
}

async function effectsOf(h: TestHarness, eventIds: string[]): Promise<Record<string, number>> {
  const jobs = await listQueuedJobs(h.ctx.store.db);
  const counts = Object.fromEntries(eventIds.map((id) => [id, 0]));
  for (const job of jobs) {
    const payload = job.payload as { invoice_id: string };
    if (payload.invoice_id in counts) counts[payload.invoice_id]! += 1;
  }
  return counts;
}

async function deliverCustomers(h: TestHarness, count: number) {
  const { connection, secret, tenantId } = await insertTestConnection(h);
  const events = Array.from({ length: count }, (_, i) =>
    stripeEvent('customer.created', { id: `cus_w${i}`, object: 'customer', metadata: {} }),
  );
  for (const event of events) expect((await deliver(h, connection.id, event, { secrets: [secret] })).status).toBe(200);
  return { connection, tenantId, stripeIds: events.map((event) => event.id) };
}

async function fallbacks(h: TestHarness, cause: string): Promise<number> {
  const metric = await h.ctx.metrics.chunkFallbacks.get();
  return metric.values.find((value) => value.labels.cause === cause)?.value ?? 0;
}

/** The events of one connection (the harness's store is shared by the tests of this file). */
async function eventRows(h: TestHarness, connectionId: string): Promise<EventRow[]> {
  return h.ctx.store.db.selectFrom('events').selectAll().where('connection_id', '=', connectionId).orderBy('stripe_event_id').execute();
}

describeEachStore('event worker', (h) => {
  it('processes a claimed batch together, one effect and one attempt per event', async () => {
    const { stripeIds, connection } = await deliverCustomers(h(), 6);
    expect(await new EventWorker(h().ctx, { modules: effectModules(), concurrency: 2 }).drain()).toBe(6);
    const rows = await eventRows(h(), connection.id);
    expect(rows.map((row) => [row.status, row.attempts, row.locked_by])).toEqual(rows.map(() => ['processed', 1, null]));
    expect(Object.values(await effectsOf(h(), stripeIds))).toEqual([1, 1, 1, 1, 1, 1]);
    const attempts = await h()
      .ctx.store.db.selectFrom('event_attempts')
      .select(['event_id', 'outcome', 'attempt'])
      .where(
        'event_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    expect(attempts.map((attempt) => [attempt.outcome, attempt.attempt])).toEqual(rows.map(() => ['processed', 1]));
    expect(new Set(attempts.map((attempt) => attempt.event_id)).size).toBe(6);
  });

  it('a failing event fails alone: the rest of its chunk is processed and its failure is logged against it', async () => {
    const { stripeIds, connection } = await deliverCustomers(h(), 5);
    const worker = new EventWorker(h().ctx, { modules: effectModules(new Set(['cus_w2'])), concurrency: 1 });
    const before = await fallbacks(h(), 'error');
    expect(await worker.runOnce()).toBe(5);
    expect(await fallbacks(h(), 'error')).toBe(before + 1);
    const rows = await eventRows(h(), connection.id);
    const byObject = Object.fromEntries(rows.map((row) => [row.object_id, row]));
    expect(byObject.cus_w2).toMatchObject({ status: 'failed', last_error: 'cus_w2 exploded', locked_by: null });
    expect(byObject.cus_w2!.next_attempt_at.getTime()).toBeGreaterThan(h().ctx.now().getTime());
    for (const id of ['cus_w0', 'cus_w1', 'cus_w3', 'cus_w4']) expect(byObject[id]!.status).toBe('processed');
    // The whole-chunk try was rolled back, so each successful event's effect exists once, and the failing one's not at all.
    expect(await effectsOf(h(), stripeIds)).toEqual(Object.fromEntries(stripeIds.map((id, i) => [id, i === 2 ? 0 : 1])));
  });

  it('a worker that lost its lease writes nothing for that event, and still completes the events it holds', async () => {
    const { stripeIds, connection } = await deliverCustomers(h(), 2);
    const modules = effectModules();
    const now = h().ctx.now();
    const stale = await claimDueEvents(h().ctx.store.db, {
      workerId: 'worker_stale',
      now,
      leaseUntil: new Date(now.getTime() + 30_000),
      limit: 10,
    });
    expect(stale).toHaveLength(2);
    // The second event's lease runs out (its worker stalled) and another worker takes and processes it.
    const [kept, stolen] = stale as [EventRow, EventRow];
    await h()
      .ctx.store.db.updateTable('events')
      .set({ locked_until: new Date(now.getTime() - 1) })
      .where('id', '=', stolen.id)
      .execute();
    expect(await new EventWorker(h().ctx, { modules }).drain()).toBe(1);

    const before = await fallbacks(h(), 'lease_lost');
    const processed = await processEvents(
      { ctx: h().ctx, registry: buildHandlerRegistry(), modules, workerId: 'worker_stale', policy: DEFAULT_RETRY_POLICY },
      stale,
    );
    expect(processed.map(({ event }) => event.id)).toEqual([kept.id]);
    expect(await fallbacks(h(), 'lease_lost')).toBe(before + 1);
    expect(Object.values(await effectsOf(h(), stripeIds))).toEqual([1, 1]);
    const attempts = await h().ctx.store.db.selectFrom('event_attempts').select(['event_id']).execute();
    expect(attempts.filter((attempt) => attempt.event_id === stolen.id)).toHaveLength(1);
    expect((await eventRows(h(), connection.id)).map((row) => row.status)).toEqual(['processed', 'processed']);
  });

  it('worker A whose lease expired and was claimed by worker B writes nothing on completion: no status, attempt or effect; the row stays B’s', async () => {
    const { stripeIds, connection } = await deliverCustomers(h(), 1);
    const scope = { ctx: h().ctx, registry: buildHandlerRegistry(), modules: effectModules(), policy: DEFAULT_RETRY_POLICY };
    const db = h().ctx.store.db;
    const now = h().ctx.now();
    // Claims are global; the store is shared by this file's tests, so keep only this test's event.
    const ours = (rows: EventRow[]) => rows.filter((row) => row.connection_id === connection.id);
    const [claimedByA] = ours(
      await claimDueEvents(db, { workerId: 'worker_A', now, leaseUntil: new Date(now.getTime() + 30_000), limit: 100 }),
    );
    expect(claimedByA).toBeDefined();
    // A stalls past its lease; B claims the event (and has not finished it yet).
    const later = new Date(now.getTime() + 31_000);
    const claimedByB = ours(
      await claimDueEvents(db, { workerId: 'worker_B', now: later, leaseUntil: new Date(later.getTime() + 30_000), limit: 100 }),
    );
    expect(claimedByB.map((row) => row.id)).toEqual([claimedByA!.id]);

    const processed = await processEvents({ ...scope, workerId: 'worker_A' }, [claimedByA!]);
    expect(processed).toEqual([]);
    const [row] = await eventRows(h(), connection.id);
    expect(row).toMatchObject({ status: 'received', locked_by: 'worker_B', attempts: 2, processed_at: null });
    expect(await db.selectFrom('event_attempts').select('id').where('event_id', '=', claimedByA!.id).execute()).toEqual([]);
    expect(Object.values(await effectsOf(h(), stripeIds))).toEqual([0]);

    // B's completion still counts, once.
    const byB = await processEvents({ ...scope, workerId: 'worker_B' }, claimedByB);
    expect(byB.map(({ event }) => event.id)).toEqual([claimedByA!.id]);
    expect(Object.values(await effectsOf(h(), stripeIds))).toEqual([1]);
    expect((await eventRows(h(), connection.id))[0]).toMatchObject({ status: 'processed', locked_by: null });
  });
});

it('chunks keep every event of one object together, in order, and spread objects evenly', () => {
  const row = (id: string, objectId: string | null) => ({ id, connection_id: 'conn', object_id: objectId }) as EventRow;
  const events = [row('e1', 'a'), row('e2', 'b'), row('e3', 'a'), row('e4', 'c'), row('e5', null), row('e6', 'b'), row('e7', 'd')];
  const chunks = chunksByObject(events, 3);
  expect(chunks.map((chunk) => chunk.map((event) => event.id))).toEqual([['e1', 'e3', 'e5'], ['e2', 'e6', 'e7'], ['e4']]);
  expect(chunksByObject(events.slice(0, 1), 8)).toHaveLength(1);
  expect(chunksByObject([], 8)).toEqual([]);
});
