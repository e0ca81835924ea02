import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { insertEvents } from '../../src/store/events';
import { BackfillScheduler } from '../../src/webhooks/backfill-scheduler';
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
