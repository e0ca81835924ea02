import { cpuBudget } from '../lib/cpu';
import { checkoutFeed } from '../lib/events';
import { fillHistory } from '../lib/history-fill';
import { runLoad, type LoadResult } from '../lib/load';
import { startPaybridge, type RunningPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

export interface HistorySettings {
  seconds: number;
  connections: number;
  /** Historical events stored before the second load. */
  historyRows: number;
  cpuProfDir?: string;
}

/** How far back the history reaches: the default retention is 90 days, so this is a deployment that kept more. */
const HISTORY_MONTHS = 6;

/**
 * Issue 19, flat cost as history grows: the ingest load of `--only=postgres` on one web process,
 * first with an empty events table, then (same process, same connection) after `historyRows` events
 * of that connection were stored over the past months with their keys and attempts. Target: the
 * second rate within 10 % of the first. The fill runs once per month partition in SQL; its time and
 * the tables' sizes are reported too. A second process on a second, empty database is measured
 * right after, as the baseline in the machine's state after the fill: on some hosts everything,
 * the load generator included, runs slower once 13 GB have been written (2026-12-03).
 */
export async function benchHistory(sandbox: SandboxInfo, settings: HistorySettings): Promise<void> {
  const paybridge = await startPaybridge({ store: 'postgres', sandboxUrl: sandbox.url, role: 'web', cpuProfDir: settings.cpuProfDir });
  try {
    const { tenantId, connectionId, phase, feed, acked } = await loadPhases(paybridge, sandbox, settings);
    // The first load after start pays for JIT and pool warm-up; run one whole phase first and drop
    // its figures, so the comparison is between two warm phases and not first against second.
    await phase();
    const empty = await phase();
    const sample = feed();
    const fill = await fillHistory({
      databaseUrl: paybridge.databaseUrl!,
      tenantId,
      connectionId,
      rows: settings.historyRows,
      months: HISTORY_MONTHS,
      payload: sample.body,
      payloadId: sample.id,
    });
    const full = await phase();
    const check = await paybridge.stopAndCount(connectionId, acked);
    const emptyAfter = await emptyTableNow(sandbox, settings);

    const ratio = full.result.perSecond / Math.max(1e-9, empty.result.perSecond);
    const ratioAfter = full.result.perSecond / Math.max(1e-9, emptyAfter.result.perSecond);
    const sizes = `events ${fill.sizesMb.events.toFixed(0)} MB, event_keys ${fill.sizesMb.event_keys.toFixed(0)} MB, event_attempts ${fill.sizesMb.event_attempts.toFixed(0)} MB`;
    const fillDetail = `${fill.rows.toLocaleString('en-US')} events over ${fill.months} month partitions inserted in ${fill.seconds.toFixed(1)} s (${Math.round(fill.rows / fill.seconds).toLocaleString('en-US')} rows/s, with keys and attempts; one INSERT … SELECT generate_series per month), then ANALYZE and CHECKPOINT; sizes after: ${sizes}`;
    const stored = `every ack verified stored once (${check.missing} missing, ${check.duplicates} twice)`;
    log(
      `history: empty ${empty.result.perSecond.toFixed(0)}/s p99 ${empty.result.p99} ms; with ${fill.rows.toLocaleString('en-US')} stored ${full.result.perSecond.toFixed(0)}/s p99 ${full.result.p99} ms; ratio ${ratio.toFixed(2)}; empty database after the fill ${emptyAfter.result.perSecond.toFixed(0)}/s, ratio ${ratioAfter.toFixed(2)}; ${fillDetail}; ${stored}`,
    );
    if (check.missing + check.duplicates > 0)
      failures.push(`history: ${check.missing} acknowledged events missing, ${check.duplicates} stored twice`);
    const baselineRow = (label: string, measured: Phase) => ({
      benchmark: label,
      target: '(baseline)',
      perSecond: measured.result.perSecond,
      p50: measured.result.p50,
      p99: measured.result.p99,
      detail: `${measured.result.acked.toLocaleString('en-US')} acked in ${measured.result.seconds.toFixed(1)} s; ${measured.cpu}`,
    });
    rows.push(
      baselineRow('Ingest on an empty events table (PostgreSQL, 3 KB checkout.session.completed; baseline of the row below)', empty),
    );
    rows.push({
      benchmark: `Ingest with ${fill.rows.toLocaleString('en-US')} events already stored over ${fill.months} months (same process and connection, after the row above)`,
      target: 'within 10 % of the empty table',
      perSecond: full.result.perSecond,
      p50: full.result.p50,
      p99: full.result.p99,
      rssMb: paybridge.child.peakRssMb(),
      met: ratio >= 0.9,
      detail: `ratio ${ratio.toFixed(2)} of the empty-table rate before the fill, ${ratioAfter.toFixed(2)} of the empty database measured after it (row below); ${full.result.acked.toLocaleString('en-US')} acked in ${full.result.seconds.toFixed(1)} s; ${full.cpu}; ${fillDetail}; ${stored}`,
    });
    rows.push(
      baselineRow(
        'Ingest on a second, empty database right after the row above (a new process, same PostgreSQL and machine state)',
        emptyAfter,
      ),
    );
  } finally {
    await paybridge.dispose();
  }
}

interface Phase {
  result: LoadResult;
  cpu: string;
}

/** A connection on `paybridge` and a measured load phase against it (a short warm-up, then the load). */
async function loadPhases(paybridge: RunningPaybridge, sandbox: SandboxInfo, settings: HistorySettings) {
  const { tenantId, connectionId, secret } = await paybridge.connect(sandbox.account.secret_key);
  const feed = checkoutFeed({ template: sandbox.template, secret, sessionPrefix: sandbox.sessionPrefix, sessions: sandbox.sessions });
  const path = `/webhooks/stripe/${connectionId}`;
  const acked: string[] = [];
  const load = (seconds: number) => runLoad({ url: paybridge.child.url, path, connections: settings.connections, seconds, next: feed });
  const phase = async (): Promise<Phase> => {
    const warm = await load(Math.min(2, settings.seconds));
    const measure = cpuBudget(paybridge.child);
    const result = await load(settings.seconds);
    acked.push(...warm.ackedIds, ...result.ackedIds);
    if (warm.non2xx + warm.errors + result.non2xx + result.errors > 0)
      failures.push(
        `history: ${warm.non2xx + result.non2xx} non-2xx, ${warm.errors + result.errors} errors ${[...warm.samples, ...result.samples].join(' | ')}`,
      );
    return { result, cpu: measure(result.acked).summary };
  };
  // `acked` grows with every phase: the ids answered 2xx, to be found stored once at the end.
  return { tenantId, connectionId, feed, phase, acked };
}

/** The empty-table rate as the machine is now: a fresh process on a fresh database, warmed like the first. */
async function emptyTableNow(sandbox: SandboxInfo, settings: HistorySettings): Promise<Phase> {
  const paybridge = await startPaybridge({ store: 'postgres', sandboxUrl: sandbox.url, role: 'web' });
  try {
    const { connectionId, phase, acked } = await loadPhases(paybridge, sandbox, settings);
    await phase();
    const measured = await phase();
    const check = await paybridge.stopAndCount(connectionId, acked);
    if (check.missing + check.duplicates > 0)
      failures.push(
        `history, empty database after the fill: ${check.missing} acknowledged events missing, ${check.duplicates} stored twice`,
      );
    return measured;
  } finally {
    await paybridge.dispose();
  }
}
