import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalRelayIsLive, startSignalRelay, stopSignalRelay } from '../../src/domain/signal-relay';
import { BUS_EVENT, RESYNC_EVENT, decodeSignal } from '../../src/domain/signals';
import { listenForNotifications, sendNotifications } from '../../src/store/notifications';
import { loadReceivingConnection } from '../../src/webhooks/connection-cache';
import { createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** A signal as another process sends it (its own origin tag), committed by another connection of the pool. */
function fromOtherProcess(h: TestHarness, signal: Record<string, unknown>) {
  return sendNotifications(h.ctx.store.db, [JSON.stringify({ ...signal, origin: 'another-process' })]);
}

describe('the LISTEN relay of one process [postgres]', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres');
    startSignalRelay(h.ctx);
    expect(await waitFor(() => signalRelayIsLive(h.ctx), 10_000)).toBe(true);
  });
  afterAll(async () => {
    await stopSignalRelay(h.ctx);
    await h?.close();
  });

  it('drops a cached connection when another process signals its change, long before the safety TTL', async () => {
    const { connection } = await insertTestConnection(h);
    expect((await loadReceivingConnection(h.ctx, connection.id))!.row.is_active).toBe(true);
    // Changed behind this process's back: the cache keeps the old row while nothing says otherwise…
    await h.ctx.store.db.updateTable('connections').set({ is_active: false }).where('id', '=', connection.id).execute();
    expect((await loadReceivingConnection(h.ctx, connection.id))!.row.is_active).toBe(true);
    // …and drops it as soon as the change is signalled.
    const heard = once(h.ctx.bus, BUS_EVENT.connection);
    await fromOtherProcess(h, { kind: 'connection', connectionId: connection.id });
    await heard;
    expect((await loadReceivingConnection(h.ctx, connection.id))!.row.is_active).toBe(false);
  });

  it('reconnects when its connection is killed, drops every cache entry, and hears signals again', async () => {
    const resync = once(h.ctx.bus, RESYNC_EVENT);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
              where datname = current_database() and query ilike 'listen paybridge'`.execute(h.ctx.store.db);
    await resync;
    expect(signalRelayIsLive(h.ctx)).toBe(true);
    const work = once(h.ctx.bus, BUS_EVENT.events);
    await fromOtherProcess(h, { kind: 'events' });
    await work;
    const metric = await h.ctx.metrics.notificationReconnects.get();
    expect(metric.values[0]?.value).toBe(1);
  });

  it("skips its own process's signals (raised in-process at commit already) and payloads that are not signals", async () => {
    const received = await h.ctx.metrics.notificationsReceived.get();
    const before = received.values.reduce((sum, value) => sum + value.value, 0);
    const { announce } = await import('../../src/domain/unit-of-work');
    let local = 0;
    const count = () => (local += 1);
    h.ctx.bus.on(BUS_EVENT.payable, count);
    await announce(h.ctx, [{ kind: 'payable', tenantId: 'ten_x', payableType: 'invoice', payableId: 'inv_x' }]);
    await sendNotifications(h.ctx.store.db, ['not json', JSON.stringify({ kind: 'unknown', origin: 'another-process' })]);
    // A marker from another process, sent last: once it is heard, everything before it was delivered.
    const marker = once(h.ctx.bus, BUS_EVENT.events);
    await fromOtherProcess(h, { kind: 'events' });
    await marker;
    h.ctx.bus.off(BUS_EVENT.payable, count);
    expect(local).toBe(1);
    const after = (await h.ctx.metrics.notificationsReceived.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect(after - before).toBe(1);
  });
});

describe('a web-only process tells worker processes that events were stored [postgres]', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_ROLE: 'web' });
  });
  afterAll(async () => h?.close());

  it('sends an events signal on the shared channel once a delivery is stored', async () => {
    const heard: string[] = [];
    // Stands in for a worker process's LISTEN connection.
    const listener = listenForNotifications({
      connection: h.ctx.store.connection,
      onNotification: (payload) => heard.push(payload),
      onConnected: () => undefined,
      onDisconnected: () => undefined,
    });
    try {
      expect(await waitFor(() => listener.live, 10_000)).toBe(true);
      const { connection, secret } = await insertTestConnection(h);
      const response = await deliver(h, connection.id, stripeEvent('customer.created', { id: 'cus_signal', object: 'customer' }), {
        secrets: [secret],
      });
      expect(response.status).toBe(200);
      expect(await waitFor(() => heard.some((payload) => decodeSignal(payload)?.signal.kind === 'events'), 10_000)).toBe(true);
    } finally {
      await listener.close();
    }
  });
});
