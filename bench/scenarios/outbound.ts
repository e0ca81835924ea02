import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { createLogger } from '../../src/logger';
import { startOutboundDispatcher } from '../../src/modules/outbound-webhooks/dispatcher';
import { createEndpoint } from '../../src/modules/outbound-webhooks/endpoints-service';
import { appendDomainEvents } from '../../src/store/domain-events';
import { createTenant } from '../../src/services/tenant-service';
import { spawnServer } from '../lib/child';
import { scratchDatabase } from '../lib/postgres';
import { failures, log, rows } from '../lib/report';

const ENDPOINTS = 20;

/**
 * Outbound webhook throughput: `events` domain events of one tenant fanned out to 20 endpoints (one
 * receiver process answering 20 paths, verifying every delivery with the standardwebhooks package),
 * timed from the commit of the events until every delivery is recorded as succeeded. The
 * dispatcher runs with its defaults (128 requests in flight, 16 per endpoint per claim) in this process.
 */
export async function benchOutbound(events: number): Promise<void> {
  const database = await scratchDatabase('pb_outbound');
  const ctx = await buildContext(
    loadConfig({
      PAYBRIDGE_DATABASE_URL: database.url,
      PAYBRIDGE_MASTER_KEY: generateMasterKey(),
      PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true',
      PAYBRIDGE_DATA_DIR: '/tmp/paybridge-bench-outbound',
    }),
    { logger: createLogger({ level: 'error' }) },
  );
  let receiver: Awaited<ReturnType<typeof spawnServer>> | undefined;
  try {
    const tenant = await createTenant(ctx, 'Outbound bench');
    // The receiver's URL is needed for the endpoints and the endpoints' secrets for the receiver:
    // endpoints are created on a placeholder host, then pointed at the receiver once it listens.
    const created = [];
    for (let i = 0; i < ENDPOINTS; i++) created.push(await createEndpoint(ctx, tenant.id, { url: `http://127.0.0.1:9/e${i}` }));
    receiver = await spawnServer('bench/servers/outbound-receiver.ts', {
      label: 'outbound receiver',
      env: { BENCH_SECRETS: JSON.stringify(Object.fromEntries(created.map((endpoint, i) => [`/e${i}`, endpoint.secret]))) },
    });
    for (const [i, endpoint] of created.entries())
      await ctx.store.db
        .updateTable('webhook_endpoints')
        .set({ url: `${receiver.url}/e${i}` })
        .where('id', '=', endpoint.id)
        .execute();

    const now = new Date();
    await ctx.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < events; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, events - i) }, (_, j) => ({
          tenantId: tenant.id,
          type: 'invoice.paid',
          objectType: 'invoice',
          objectId: `inv_bench${i + j}`,
          snapshot: { id: `inv_bench${i + j}`, status: 'paid', amount_due: 1999, currency: 'usd' },
          stripeEventId: `evt_bench${i + j}`,
          connectionId: 'conn_bench',
        }));
        await appendDomainEvents(trx, batch, now);
      }
    });
    const expected = events * ENDPOINTS;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const dispatcher = startOutboundDispatcher(ctx);
    let succeeded = 0;
    const deadline = Date.now() + 300_000;
    while (succeeded < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const row = await ctx.store.db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'succeeded')
        .executeTakeFirstOrThrow();
      succeeded = Number(row.n);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await dispatcher.stop();
    const stats = (await (await fetch(`${receiver.url}/stats`)).json()) as { received: number; failed: number; distinct: number };
    const perSecond = succeeded / seconds;
    const rss = process.memoryUsage().rss / 1024 / 1024;
    const detail =
      `${events.toLocaleString('en-US')} domain events × ${ENDPOINTS} endpoints = ${expected.toLocaleString('en-US')} deliveries: ` +
      `${succeeded} succeeded in ${seconds.toFixed(2)} s; receiver got ${stats.received}, ${stats.distinct} distinct, ${stats.failed} failed to verify; ` +
      `dispatcher process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, receiver CPU ${receiver.cpuSeconds().toFixed(1)} s`;
    log(`outbound: ${perSecond.toFixed(0)}/s — ${detail}`);
    if (succeeded < expected || stats.failed > 0 || stats.distinct !== expected) failures.push(`outbound: ${detail}`);
    rows.push({
      benchmark: 'Outbound webhooks to a local receiver, 20 endpoints (PostgreSQL)',
      target: '≥ 2,000/s',
      perSecond,
      rssMb: rss,
      met: perSecond >= 2_000,
      detail,
    });
  } finally {
    await receiver?.stop();
    await ctx.store.close();
    await database.drop();
  }
}
