import { mkdtempSync, rmSync } from 'node:fs';
import { sql } from 'kysely';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/index';
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { bindingFor } from '../../src/crypto/sealed-columns';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { newId } from '../../src/ids';
import { createLogger } from '../../src/logger';
import { addMissingBackfillCursors } from '../../src/store/backfill-cursors';
import { insertConnection } from '../../src/store/connections';
import { openStore } from '../../src/store/database';
import { insertTenant } from '../../src/store/tenants';
import { BACKFILL_CONCURRENCY, BACKFILL_INTERVAL_MS, runDueBackfills } from '../../src/webhooks/backfill-scheduler';
import { manualConnectionRow } from '../../test/support/test-connections';
import { failures, log, rows } from '../lib/report';
import { scratchDatabase } from '../lib/postgres';

/**
 * One backfill round over many connections (issue 18 item 13): every connection due at once, one
 * worker process with its default lanes, each Stripe call held `latencyMs` by the sandbox to stand in
 * for the round trip to Stripe. The round must finish inside the interval it is scheduled on.
 */
export async function benchBackfillRounds(connections: number, latencyMs: number): Promise<void> {
  const sandbox = await startSandbox({ port: 0, apiLatencyMs: latencyMs });
  const database = await scratchDatabase('pb_bench_rounds');
  const dataDir = mkdtempSync(join(tmpdir(), 'pb-bench-rounds-'));
  const store = await openStore({ databaseUrl: database.url, poolSize: 20 });
  try {
    const config = loadConfig({
      PAYBRIDGE_MASTER_KEY: generateMasterKey(),
      PAYBRIDGE_ADMIN_TOKEN: `pb_admin_${'b'.repeat(8)}${Date.now().toString(36)}x9Qz`,
      PAYBRIDGE_DATA_DIR: dataDir,
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_LOG_LEVEL: 'error',
    });
    const ctx = await buildContext(config, { store, logger: createLogger({ level: 'error' }) });
    const account = await sandbox.createAccount({ email: 'rounds@example.com' });
    const tenant = await insertTenant(store.db, 'Many connections');
    let next = 0;
    const insertLane = async () => {
      while (next < connections) {
        next += 1;
        const id = newId('connection');
        await insertConnection(
          store.db,
          manualConnectionRow({
            id,
            tenantId: tenant.id,
            name: `Connection ${next}`,
            secretKeySealed: ctx.secrets.seal(account.secret_key, bindingFor('connections', id)),
            accountId: account.id,
            features: ['payments'],
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, insertLane));
    // Statistics as autovacuum keeps them on a running installation. Straight after a bulk insert they
    // still describe an empty table, and the claim query's plan (a nested loop over every pair of
    // cursor and connection) then costs seconds per claim at 10,000 connections.
    await addMissingBackfillCursors(store.db, new Date());
    await sql`analyze connections`.execute(store.db);
    await sql`analyze backfill_cursors`.execute(store.db);
    log(`backfill rounds: ${connections} connections stored; one round with ${latencyMs} ms per Stripe call…`);

    const started = performance.now();
    const visited = await runDueBackfills(ctx, { intervalMs: BACKFILL_INTERVAL_MS, concurrency: BACKFILL_CONCURRENCY });
    const seconds = (performance.now() - started) / 1000;
    const intervalSeconds = BACKFILL_INTERVAL_MS / 1000;
    const detail =
      `${visited.toLocaleString('en-US')} of ${connections.toLocaleString('en-US')} connections visited in ${seconds.toFixed(0)} s ` +
      `by one worker on ${BACKFILL_CONCURRENCY} lanes, ${latencyMs} ms added to every Stripe call; interval ${intervalSeconds} s`;
    log(`backfill rounds: ${detail}`);
    if (visited !== connections) failures.push(`backfill rounds: ${detail}`);
    rows.push({
      benchmark: `Backfill round over ${connections.toLocaleString('en-US')} connections, ${latencyMs} ms per Stripe call (PostgreSQL)`,
      target: `≤ ${intervalSeconds} s per round`,
      perSecond: visited / seconds,
      met: seconds <= intervalSeconds && visited === connections,
      detail,
    });
  } finally {
    await store.close();
    await database.drop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
