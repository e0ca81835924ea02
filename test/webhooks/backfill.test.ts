import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { insertEvents } from '../../src/store/events';
import { BACKFILL_OVERLAP_SECONDS, EVENT_RETENTION_SECONDS, backfillConnection } from '../../src/webhooks/backfill';
import { BackfillScheduler, runDueBackfills } from '../../src/webhooks/backfill-scheduler';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
// Filled before the harnesses are built (file-level beforeAll runs first), so ctx.stripe reaches the sandbox.
const env: Record<string, string> = {};
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  env.PAYBRIDGE_STRIPE_API_BASE = sandbox.url;
});
afterAll(async () => {
  await sandbox?.close();
});

describeEachStore(
  'backfill from GET /v1/events',
  (h) => {
    it('stores missed events once through the normal pipeline, and a second run finds nothing new', async () => {
      const account = await sandbox.createAccount();
      const { connection, tenantId } = await insertTestConnection(h(), { secretKey: account.secret_key, accountId: account.id });
      const stripe = sandbox.stripe(account.secret_key);
      for (let i = 0; i < 7; i++) await stripe.customers.create({ email: `c${i}@example.com` });
      // A live-mode event of the same account must not land on this test-mode connection.
      await sandbox.stripe(account.live_secret_key).customers.create({ email: 'live@example.com' });

      const first = await h().api('POST', `/api/v1/tenants/${tenantId}/connections/${connection.id}/backfill`, {});
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ stored: 7, duplicates: 0, error: null });
      const again = await h().api('POST', `/api/v1/tenants/${tenantId}/connections/${connection.id}/backfill`, { since: 0 });
      expect(again.body).toMatchObject({ stored: 0, duplicates: 7 });

      await new EventWorker(h().ctx).drain();
      const rows = await h()
        .ctx.store.db.selectFrom('events')
        .select(['source', 'status', 'type'])
        .where('connection_id', '=', connection.id)
        .execute();
      expect(rows).toHaveLength(7);
      expect(rows.every((row) => row.source === 'backfill' && row.status === 'processed' && row.type === 'customer.created')).toBe(true);
    });

    it('without `since` resumes from where the last complete run began (minus the overlap) and stores what came since', async () => {
      const account = await sandbox.createAccount();
      const { connection } = await insertTestConnection(h(), { secretKey: account.secret_key, accountId: account.id });
      const stripe = sandbox.stripe(account.secret_key);
      for (let i = 0; i < 3; i++) await stripe.customers.create({ email: `early${i}@example.com` });

      const startedFirst = Math.floor(Date.now() / 1000);
      const first = await backfillConnection(h().ctx, connection);
      // No complete run yet: the whole of Stripe's 30-day window.
      expect(first.since).toBeLessThanOrEqual(startedFirst - EVENT_RETENTION_SECONDS + 1);
      expect(first).toMatchObject({ stored: 3, error: null });

      for (let i = 0; i < 2; i++) await stripe.customers.create({ email: `late${i}@example.com` });
      const second = await backfillConnection(h().ctx, connection);
      expect(second.since).toBeGreaterThanOrEqual(startedFirst - BACKFILL_OVERLAP_SECONDS - 1);
      expect(second.since).toBeLessThanOrEqual(startedFirst - BACKFILL_OVERLAP_SECONDS + 1);
      expect(second).toMatchObject({ stored: 2, duplicates: 3, error: null });
      const emails = await h().ctx.store.db.selectFrom('events').select('object_id').where('connection_id', '=', connection.id).execute();
      expect(emails).toHaveLength(5);
    });

    it('runs by itself when a worker starts, and reports a rejected key instead of throwing', async () => {
      const account = await sandbox.createAccount();
      const { connection } = await insertTestConnection(h(), { secretKey: account.secret_key });
      await sandbox.stripe(account.secret_key).products.create({ name: 'Plan' });
      const broken = await insertTestConnection(h(), { secretKey: 'sk_test_notakeythesandboxknows000' });

      const scheduler = new BackfillScheduler(h().ctx);
      scheduler.start();
      await scheduler.stop();
      const stored = await h().ctx.store.db.selectFrom('events').select('type').where('connection_id', '=', connection.id).execute();
      expect(stored.map((row) => row.type)).toEqual(['product.created']);
      const cursor = await h()
        .ctx.store.db.selectFrom('backfill_cursors')
        .selectAll()
        .where('connection_id', '=', broken.connection.id)
        .executeTakeFirstOrThrow();
      expect(JSON.parse(cursor.last_result!).error).toMatch(/Invalid API Key|refused/i);
    });

    it('spreads rounds: workers ticking together visit each due connection once, and each comes round again one interval later', async () => {
      const ours = await Promise.all(
        Array.from({ length: 12 }, () => insertTestConnection(h(), { secretKey: 'sk_test_notakeythesandboxknows000' })),
      );
      const db = h().ctx.store.db;
      const live = await db
        .selectFrom('connections')
        .select('id')
        .where('disconnected_at', 'is', null)
        .where('is_active', '=', true)
        .execute();
      const at = new Date(Date.now() + 24 * 3600_000); // everything is due a day later
      const interval = 15 * 60_000;
      h().setNow(at);
      try {
        // Two worker processes' ticks at the same moment, three lanes each.
        const visits = await Promise.all([
          runDueBackfills(h().ctx, { intervalMs: interval, concurrency: 3 }),
          runDueBackfills(h().ctx, { intervalMs: interval, concurrency: 3 }),
        ]);
        expect(visits[0]! + visits[1]!).toBe(live.length);
        const cursors = await db
          .selectFrom('backfill_cursors')
          .select(['connection_id', 'next_due_at', 'last_run_at'])
          .where(
            'connection_id',
            'in',
            ours.map((o) => o.connection.id),
          )
          .execute();
        expect(cursors).toHaveLength(12);
        for (const cursor of cursors) {
          expect(new Date(cursor.next_due_at).getTime()).toBe(at.getTime() + interval);
          expect(cursor.last_run_at).not.toBeNull();
        }
        h().setNow(new Date(at.getTime() + interval - 1));
        expect(await runDueBackfills(h().ctx, { intervalMs: interval, concurrency: 3 })).toBe(0);
        h().setNow(new Date(at.getTime() + interval));
        expect(await runDueBackfills(h().ctx, { intervalMs: interval, concurrency: 3 })).toBe(live.length);
      } finally {
        h().setNow(null);
      }
    });

    it('puts events left paused on an active connection back in the queue at its next round', async () => {
      const account = await sandbox.createAccount();
      const { connection } = await insertTestConnection(h(), { secretKey: account.secret_key });
      // What a worker that read the connection as disabled, just before it was enabled, leaves behind.
      const now = h().ctx.now();
      await insertEvents(h().ctx.store.db, [
        {
          connection_id: connection.id,
          tenant_id: connection.tenant_id,
          stripe_event_id: 'evt_left_paused',
          type: 'customer.created',
          livemode: false,
          api_version: null,
          stripe_created: 1,
          object_id: 'cus_paused',
          object_type: 'customer',
          payload: '{}',
          source: 'webhook',
          status: 'paused',
          received_at: now,
          next_attempt_at: now,
        },
      ]);
      h().setNow(new Date(now.getTime() + 15 * 60_000)); // the round after the one the previous test ran
      const scheduler = new BackfillScheduler(h().ctx);
      scheduler.start();
      await scheduler.stop();
      h().setNow(null);
      const event = await h()
        .ctx.store.db.selectFrom('events')
        .select(['status'])
        .where('stripe_event_id', '=', 'evt_left_paused')
        .executeTakeFirstOrThrow();
      expect(event.status).toBe('received');
    });
  },
  env,
);
