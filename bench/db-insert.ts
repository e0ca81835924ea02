import { randomBytes } from 'node:crypto';
import { newId } from '../src/ids';
import { insertConnection } from '../src/store/connections';
import { insertTenant } from '../src/store/tenants';
import { openStore } from '../src/store/database';
import { migrateOrThrow } from '../src/store/migrations';
import { insertEvents, type IncomingEvent } from '../src/store/events';
import { scratchDatabase } from './lib/postgres';
import { cpuSecondsOf } from './lib/cpu';
import { manualConnectionRow } from '../test/support/test-connections';

// The database-side bound, without HTTP: how many ~3 KB events per second one PostgreSQL commits
// through insertEvents at a given batch size and number of concurrent batches (default durability).
// Usage: npx tsx bench/db-insert.ts [seconds] [batch,inFlight ...]   e.g. 5 1,64 8,8 64,4
// (The former VALUES-list variant, BENCH_INSERT=values, went with migration 0230: it relied on a unique
// key `events` no longer has. Its comparison with unnest() is in BENCHMARKS.md.)
const seconds = Number(process.argv[2] ?? 5);
const shapes = (process.argv.slice(3).length ? process.argv.slice(3) : ['1,64', '8,8', '32,4', '64,8', '256,2']).map(
  (s) => s.split(',').map(Number) as [number, number],
);
const database = await scratchDatabase('pb_bench_db');
const store = await openStore({ databaseUrl: database.url, poolSize: 64 });
try {
  await migrateOrThrow(store.db);
  const tenant = (await insertTenant(store.db, 'bench')).id;
  const connectionId = newId('connection');
  await insertConnection(
    store.db,
    manualConnectionRow({ id: connectionId, tenantId: tenant, name: 'bench', secretKeySealed: 'unused', features: [] }),
  );
  const payload = JSON.stringify({ note: 'x'.repeat(2_900) });
  let n = 0;
  const event = (): IncomingEvent => ({
    connection_id: connectionId,
    tenant_id: tenant,
    stripe_event_id: `evt_${randomBytes(6).toString('hex')}${n++}`,
    type: 'checkout.session.completed',
    livemode: false,
    api_version: '2025-10-29.clover',
    stripe_created: 1_800_000_000,
    object_id: 'cs_test_1',
    object_type: 'checkout.session',
    payload,
    source: 'webhook',
    status: 'received',
    received_at: new Date(),
    next_attempt_at: new Date(),
  });
  for (const [batch, inFlight] of shapes) {
    let rows = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const postgresCpu = cpuSecondsOf('postgres');
    const lane = async () => {
      while (performance.now() - started < seconds * 1000) {
        rows += (await insertEvents(store.db, Array.from({ length: batch }, event))).size;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const postgresUs = ((cpuSecondsOf('postgres') - postgresCpu) * 1e6) / rows;
    console.log(
      `batch ${String(batch).padStart(3)} × ${String(inFlight).padStart(2)} in flight: ${Math.round(rows / elapsed)
        .toLocaleString('en-US')
        .padStart(
          7,
        )} rows/s, CPU per row: node ${((used.user + used.system) / rows).toFixed(0)} µs (system ${(used.system / rows).toFixed(0)}), PostgreSQL ${postgresUs.toFixed(0)} µs`,
    );
  }
} finally {
  await store.close();
  await database.drop();
}
