// Worker throughput alone: stores 4,000 3 KB checkout.session.completed events in a scratch
// PostgreSQL database, then times one EventWorker draining them. `npx tsx bench/worker-drain.ts`
// BENCH_BATCH and BENCH_LANES override the worker's batch size and concurrency.
import { readFileSync } from 'node:fs';
import { buildContext } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { generateMasterKey } from '../src/crypto/secret-box';
import { createLogger } from '../src/logger';
import { insertEvents } from '../src/store/events';
import { EventWorker } from '../src/webhooks/worker';
import { openTestStore } from '../test/support/test-store';
import { insertTestConnection } from '../test/support/test-connections';

const store = await openTestStore('postgres');
const ctx = await buildContext(
  loadConfig({ PAYBRIDGE_MASTER_KEY: generateMasterKey(), PAYBRIDGE_DATA_DIR: '/tmp/paybridge-worker-drain' }),
  { store, logger: createLogger({ level: 'error' }) },
);
const { connection } = await insertTestConnection({ ctx } as never);
const template = JSON.parse(
  readFileSync(new URL('../../shared/stripe/events/stripe-sync-engine__checkout_session_completed.json', import.meta.url), 'utf8'),
);
const now = new Date();
const n = 4000;
const rows = Array.from({ length: n }, (_, i) => {
  const event = { ...template, id: `evt_drain${i}`, data: { object: { ...template.data.object, id: `cs_drain${i}` } } };
  return {
    connection_id: connection.id,
    tenant_id: connection.tenant_id,
    stripe_event_id: event.id,
    type: event.type,
    livemode: false,
    api_version: null,
    stripe_created: event.created,
    object_id: event.data.object.id,
    object_type: 'checkout.session',
    payload: JSON.stringify(event),
    source: 'webhook' as const,
    status: 'received' as const,
    received_at: now,
    next_attempt_at: now,
  };
});
for (let i = 0; i < n; i += 500) await insertEvents(ctx.store.db, rows.slice(i, i + 500));
const cpuBefore = process.cpuUsage();
const started = performance.now();
const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const handled = await new EventWorker(ctx, { batchSize: env('BENCH_BATCH'), concurrency: env('BENCH_LANES') }).drain();
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const statuses = await ctx.store.db
  .selectFrom('events')
  .select(['status'])
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .groupBy('status')
  .execute();
console.log(
  `drained ${handled} events in ${seconds.toFixed(2)} s = ${Math.round(handled / seconds)}/s, worker CPU ${Math.round((cpu.user + cpu.system) / handled)} µs/event; ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}`,
);
await store.close();
