import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type TestHarness } from '../support/test-context';
import { sendAll } from '../support/load';
import { freePort } from '../support/free-port';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { CuttableProxy, OFFLINE_STRIPE, chaosConnection, customerDeliveries, effects, waitFor } from './chaos-support';

/**
 * The database goes away mid-run (every connection dropped, new ones refused): no delivery gets a
 * 2xx it was not stored for, and once the database is back Stripe's redelivery loses nothing.
 */
describe('store outage mid-run', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 503 while the store is down and loses nothing after recovery', async () => {
    const { connection, secret } = await chaosConnection(h);
    const database = new URL(h.store.url!);
    const proxy = new CuttableProxy({ host: database.hostname, port: Number(database.port || 5432) }, await freePort());
    await proxy.open();
    const viaProxy = new URL(h.store.url!);
    viaProxy.port = String(proxy.port);
    const paybridge = await startPaybridgeProcess({
      PAYBRIDGE_DATABASE_URL: viaProxy.toString(),
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: 'pb_admin_chaos_token_0123456789abcdef',
      ...OFFLINE_STRIPE,
    });
    const url = `${paybridge.url}/webhooks/stripe/${connection.id}`;
    try {
      const before = customerDeliveries(300, 'before');
      const during = customerDeliveries(300, 'during');
      const beforeStatuses = await sendAll(url, secret, before, 16);
      expect([...beforeStatuses.values()].every((status) => status === 200)).toBe(true);

      await proxy.cut();
      const duringStatuses = await sendAll(url, secret, during, 16);
      const answered = [...duringStatuses.values()];
      expect(answered.filter((status) => status === 200)).toHaveLength(0);
      const counts = answered.reduce<Record<number, number>>((acc, status) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {});
      expect(counts, paybridge.output().slice(-3000)).toEqual({ 503: during.length });
      expect((await fetch(`${paybridge.url}/readyz`)).status).toBe(503);
      const whileDown = await effects(h, connection.id);
      for (const delivery of during) expect(whileDown.stored.has(delivery.eventId)).toBe(false);

      await proxy.open();
      const ready = await waitFor(async () => (await fetch(`${paybridge.url}/readyz`)).status === 200, 30_000);
      expect(ready).toBe(true);
      const retry = await sendAll(url, secret, during, 16);
      expect([...retry.values()].every((status) => status === 200)).toBe(true);

      const all = [...before, ...during];
      const done = await waitFor(async () => {
        const state = await effects(h, connection.id);
        return state.stored.size === all.length && [...state.stored.values()].every((status) => status === 'processed');
      }, 90_000);
      expect(done).toBe(true);
      const final = await effects(h, connection.id);
      for (const delivery of all) expect(final.processedCounts.get(delivery.eventId)).toBe(1);
      expect(final.objects.size).toBe(all.length);
      console.log(
        `store outage: ${before.length} stored before, ${during.length} answered 503 while down (0 acknowledged), all ${all.length} stored and processed once after recovery`,
      );
    } finally {
      paybridge.child.kill('SIGKILL');
      await proxy.cut();
    }
  });
});
