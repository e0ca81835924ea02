import { generateMasterKey } from '../../src/crypto/secret-box';
import { spawnServer, type ChildServer } from '../lib/child';
import { cpuSecondsOf } from '../lib/cpu';
import { checkoutFeed } from '../lib/events';
import { runLoad } from '../lib/load';
import { startPaybridge } from '../lib/paybridge';
import { auditPipeline, pendingEvents } from '../lib/pipeline-audit';
import { cpuSecondsOfPids, largestPeakRssMb, processTree } from '../lib/process-tree';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

export interface ScaleOutSettings {
  seconds: number;
  connections: number;
}

/** The whole pipeline must drain within this after the load stops, or the run fails (bounded wait). */
const DRAIN_LIMIT_MS = 10 * 60_000;

/**
 * Issue 19, scale-out: `webProcesses` web processes (the node:cluster primary of `serve
 * --web-processes`) and `workerProcesses` separate worker processes on one PostgreSQL. The load runs
 * unthrottled on loopback (the highest rate the machine holds), then the bench waits until every
 * acknowledged event is processed and reads the store: every ack stored once, every event applied
 * once, and the end-to-end rate (first delivery stored → last event processed).
 */
async function runPipeline(sandbox: SandboxInfo, settings: ScaleOutSettings, webProcesses: number, workerProcesses: number) {
  const masterKey = generateMasterKey();
  const web = await startPaybridge({
    store: 'postgres',
    sandboxUrl: sandbox.url,
    role: 'web',
    env: { PAYBRIDGE_MASTER_KEY: masterKey, PAYBRIDGE_WEB_PROCESSES: String(webProcesses), PAYBRIDGE_LOG_LEVEL: 'warn' },
  });
  const workers: ChildServer[] = [];
  try {
    const { connectionId, secret } = await web.connect(sandbox.account.secret_key);
    for (let i = 0; i < workerProcesses; i++)
      workers.push(
        await spawnServer('bench/servers/paybridge.ts', {
          label: `paybridge worker ${i + 1}`,
          env: {
            PAYBRIDGE_DATABASE_URL: web.databaseUrl,
            PAYBRIDGE_DATA_DIR: web.dataDir,
            PAYBRIDGE_MASTER_KEY: masterKey,
            PAYBRIDGE_ADMIN_TOKEN: web.adminToken,
            PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
            PAYBRIDGE_ROLE: 'worker',
            PAYBRIDGE_LOG_LEVEL: 'warn',
          },
        }),
      );
    const feed = checkoutFeed({ template: sandbox.template, secret, sessionPrefix: sandbox.sessionPrefix, sessions: sandbox.sessions });
    const path = `/webhooks/stripe/${connectionId}`;
    const webPids = processTree(web.child.pid);
    const workerPids = workers.map((worker) => worker.pid);
    const before = { web: cpuSecondsOfPids(webPids), workers: cpuSecondsOfPids(workerPids), postgres: cpuSecondsOf('postgres') };
    const started = performance.now();
    // Warm-up deliveries count in the audit (they are acknowledged) but not in the measured rate.
    const warm = await runLoad({
      url: web.child.url,
      path,
      connections: settings.connections,
      seconds: Math.min(2, settings.seconds),
      next: feed,
    });
    const load = await runLoad({ url: web.child.url, path, connections: settings.connections, seconds: settings.seconds, next: feed });
    const loadEnded = performance.now();
    const webCpu = cpuSecondsOfPids(webPids) - before.web; // warm-up included: per event over all acks
    let pending = await pendingEvents(web.databaseUrl!, connectionId);
    while (pending > 0 && performance.now() - loadEnded < DRAIN_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      pending = await pendingEvents(web.databaseUrl!, connectionId);
    }
    const drainSeconds = (performance.now() - loadEnded) / 1000;
    const workerCpu = cpuSecondsOfPids(workerPids) - before.workers;
    const postgresCpu = cpuSecondsOf('postgres') - before.postgres;
    const wallSeconds = (performance.now() - started) / 1000;
    const rss = largestPeakRssMb([...webPids, ...workerPids]);
    const audit = await auditPipeline(web.databaseUrl!, connectionId, [...warm.ackedIds, ...load.ackedIds]);
    const perEvent = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, load.acked + warm.acked));
    return {
      load: { ...load, non2xx: load.non2xx + warm.non2xx, errors: load.errors + warm.errors },
      audit,
      drainSeconds,
      wallSeconds,
      rss,
      cpu: { web: perEvent(webCpu), workers: perEvent(workerCpu), postgres: perEvent(postgresCpu) },
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await web.dispose();
  }
}

export async function benchScaleOut(sandbox: SandboxInfo, settings: ScaleOutSettings): Promise<void> {
  for (const [webProcesses, workerProcesses] of [
    [1, 1],
    [2, 2],
  ] as const) {
    const webLabel = webProcesses === 1 ? '1 web process' : `${webProcesses} web processes (node:cluster)`;
    const workerLabel = workerProcesses === 1 ? '1 worker process' : `${workerProcesses} worker processes`;
    const label = `Scale-out: ${webLabel} + ${workerLabel}, one PostgreSQL, 3 KB checkout.session.completed, unthrottled`;
    const { load, audit, drainSeconds, wallSeconds, rss, cpu } = await runPipeline(sandbox, settings, webProcesses, workerProcesses);
    const endToEnd = audit.stored / Math.max(1e-9, audit.spanSeconds);
    const statuses = Object.entries(audit.statuses)
      .map(([status, n]) => `${status} ${n.toLocaleString('en-US')}`)
      .join(', ');
    const detail =
      `${load.acked.toLocaleString('en-US')} acked in ${load.seconds.toFixed(1)} s (${load.non2xx} non-2xx, ${load.errors} errors); ` +
      `end to end ${endToEnd.toFixed(0)} events/s processed (first stored → last processed ${audit.spanSeconds.toFixed(1)} s; drained ${drainSeconds.toFixed(1)} s after the load, ${wallSeconds.toFixed(1)} s in all); ` +
      `processing lag p50 ${audit.lagP50.toFixed(0)} ms, p99 ${audit.lagP99.toFixed(0)} ms; ` +
      `no loss: ${audit.missing} acks missing, ${audit.duplicates} stored twice; no double processing: ${audit.appliedTwice} applied twice, ${audit.notApplied} not applied, ${audit.retried} retried; ${statuses}; ` +
      `CPU per acked event: web ${cpu.web} µs, workers ${cpu.workers} µs, PostgreSQL ${cpu.postgres} µs; RSS is the largest process's peak`;
    log(`${label}: ${load.perSecond.toFixed(0)}/s acked, p99 ${load.p99} ms — ${detail}`);
    const sound = audit.missing + audit.duplicates + audit.appliedTwice + audit.notApplied + audit.pending === 0;
    if (!sound) failures.push(`${label}: ${detail}`);
    if (load.non2xx + load.errors > 0) failures.push(`${label}: ${load.non2xx} non-2xx, ${load.errors} errors ${load.samples.join(' | ')}`);
    rows.push({
      benchmark: label,
      target: 'no loss, no double processing (issue 19)',
      perSecond: load.perSecond,
      p50: load.p50,
      p99: load.p99,
      rssMb: rss,
      met: sound,
      detail,
    });
  }
}
