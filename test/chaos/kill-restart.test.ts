import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type TestHarness } from '../support/test-context';
import { sendAll } from '../support/load';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { postmasterPid } from '../support/postmaster-pid';
import { OFFLINE_STRIPE, chaosConnection, customerDeliveries, effects, waitFor } from './chaos-support';

/**
 * kill -9 of a Paybridge process while it is taking load and processing: after a restart, every
 * event that got a 2xx is stored once and processed once, and Stripe's redelivery of the others
 * loses nothing. On an external PostgreSQL only Paybridge dies; on the embedded default (only
 * PAYBRIDGE_DATA_DIR set) its PostgreSQL is killed with it, as when a container or machine is killed,
 * and the restart recovers both (PostgreSQL replays its fsynced WAL).
 */
for (const target of ['postgres', 'embedded'] as const) {
  describe(`kill -9 under load, then restart [${target}]`, () => {
    let h: TestHarness;
    beforeAll(async () => {
      h = await createHarness(target);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('keeps every acknowledged event, stored once and processed once', async () => {
      const { connection, secret } = await chaosConnection(h);
      const store: Record<string, string> =
        target === 'embedded' ? { PAYBRIDGE_DATA_DIR: h.store.dataDir! } : { PAYBRIDGE_DATABASE_URL: h.store.url! };
      const env = {
        ...store,
        PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
        PAYBRIDGE_ADMIN_TOKEN: 'pb_admin_chaos_token_0123456789abcdef',
        ...OFFLINE_STRIPE,
      };
      const deliveries = customerDeliveries(4_000, 'kill');
      const first = await startPaybridgeProcess(env);
      const url = `${first.url}/webhooks/stripe/${connection.id}`;

      const sending = sendAll(url, secret, deliveries, 32);
      // Kill once a good share has been acknowledged, so some events are mid-insert and some mid-processing.
      await waitFor(async () => {
        const row = await h.ctx.store.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n) >= 1_000;
      }, 60_000);
      first.child.kill('SIGKILL');
      if (target === 'embedded') process.kill(postmasterPid(h.store.dataDir!)!, 'SIGKILL');
      const statuses = await sending;
      const acknowledged = deliveries.filter((d) => statuses.get(d.eventId) === 200).map((d) => d.eventId);
      expect(acknowledged.length).toBeGreaterThanOrEqual(1_000);
      expect(acknowledged.length).toBeLessThan(deliveries.length);

      const second = await startPaybridgeProcess(env);
      try {
        // Acknowledged events survive the crash: stored, and processed once after the restart.
        const afterCrash = await effects(h, connection.id);
        for (const id of acknowledged) expect(afterCrash.stored.has(id), id).toBe(true);

        // Stripe redelivers what was not acknowledged (and some that were, which must dedupe).
        const redeliver = deliveries.filter((d) => statuses.get(d.eventId) !== 200).concat(deliveries.slice(0, 200));
        const retry = await sendAll(`${second.url}/webhooks/stripe/${connection.id}`, secret, redeliver, 16);
        expect([...retry.values()].every((status) => status === 200)).toBe(true);

        const done = await waitFor(async () => {
          const state = await effects(h, connection.id);
          return [...state.stored.values()].every((status) => status === 'processed') && state.stored.size === deliveries.length;
        }, 120_000);
        const final = await effects(h, connection.id);
        expect(done, `${final.stored.size} stored; statuses: ${JSON.stringify([...new Set(final.stored.values())])}`).toBe(true);
        expect(final.objects.size).toBe(deliveries.length);
        for (const delivery of deliveries) expect(final.processedCounts.get(delivery.eventId), delivery.eventId).toBe(1);
        console.log(
          `kill -9: ${acknowledged.length}/${deliveries.length} acknowledged before the kill, ${redeliver.length} redelivered, ${final.stored.size} stored, ${final.objects.size} objects, every event processed once`,
        );
      } finally {
        second.child.kill('SIGKILL');
      }
    });
  });
}
