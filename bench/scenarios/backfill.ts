import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import { startBenchSandbox, type SandboxInfo } from '../lib/sandbox';

/**
 * Backfill speed: `count` checkout.session.completed events created in a fresh sandbox through its
 * control API, then one `POST …/backfill` on a Paybridge (PostgreSQL) connection to that account,
 * timed from request to answer; every event must end up stored.
 */
export async function benchBackfill(template: SandboxInfo['template'], count: number): Promise<void> {
  const sandbox = await startBenchSandbox(0);
  const paybridge = await startPaybridge({ store: 'postgres', sandboxUrl: sandbox.url, role: 'web' });
  try {
    const { tenantId, connectionId } = await paybridge.connect(sandbox.account.secret_key);
    let next = 0;
    const started = performance.now();
    const lane = async () => {
      while (next < count) {
        const index = next++;
        const object = { ...template, id: `cs_test_bf${String(index).padStart(8, '0')}` };
        const response = await fetch(`${sandbox.url}/_sandbox/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ account: sandbox.account.id, type: 'checkout.session.completed', object }),
        });
        if (response.status !== 201) throw new Error(`sandbox event: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    log(`backfill: created ${count} sandbox events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const t0 = performance.now();
    const result = await paybridge.api('POST', `/api/v1/tenants/${tenantId}/connections/${connectionId}/backfill`, {});
    const seconds = (performance.now() - t0) / 1000;
    const body = result.body as { fetched: number; stored: number; duplicates: number; skipped: number; error: string | null };
    const perSecond = body.stored / seconds;
    const rss = paybridge.child.peakRssMb();
    const check = await paybridge.stopAndCount(connectionId, []);
    const detail = `${count.toLocaleString('en-US')} events: fetched ${body.fetched}, stored ${body.stored}, rows ${check.rows}, in ${seconds.toFixed(2)} s${body.error ? `; error: ${body.error}` : ''}`;
    log(`backfill: ${perSecond.toFixed(0)}/s — ${detail}`);
    if (result.status !== 200 || body.error || body.stored < count || check.rows !== body.stored)
      failures.push(`backfill: status ${result.status}, ${detail}`);
    rows.push({
      benchmark: 'Backfill from the sandbox GET /v1/events (PostgreSQL)',
      target: '≥ 2,000/s',
      perSecond,
      rssMb: rss,
      met: perSecond >= 2_000,
      detail,
    });
  } finally {
    await paybridge.dispose();
    await sandbox.child.stop();
  }
}
