import { spawnServer } from '../lib/child';
import { sampleClusterMemory } from '../lib/cluster-memory';
import { cpuBudget } from '../lib/cpu';
import { checkoutFeed, customerFeed } from '../lib/events';
import { runLoad, type LoadResult } from '../lib/load';
import { startPaybridge, type StoreChoice } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

export interface IngestSettings {
  seconds: number;
  connections: number;
  cpuProfDir?: string;
}

function describe(result: LoadResult): string {
  return `${result.acked.toLocaleString('en-US')} acked in ${result.seconds.toFixed(1)} s, ${result.non2xx} non-2xx, ${result.errors} errors`;
}

/** The bound: a node:http server that only verifies the signature, on the bodies of `mix`. */
export async function benchBare(sandbox: SandboxInfo, settings: IngestSettings, mix: Mix = 'checkout'): Promise<number> {
  const secret = 'whsec_benchbare0123456789abcdef0';
  const bodies = mix === 'checkout' ? '' : ', customer.created/updated';
  const label = `bare server${bodies}`;
  const child = await spawnServer('bench/servers/bare.ts', { label, env: { BENCH_SIGNING_SECRET: secret } });
  try {
    const feed = feedFor(mix, sandbox, secret);
    await runLoad({
      url: child.url,
      path: '/webhooks/stripe/bare',
      connections: settings.connections,
      seconds: Math.min(2, settings.seconds),
      next: feed,
    }); // warm-up
    const measure = cpuBudget(child);
    const result = await runLoad({
      url: child.url,
      path: '/webhooks/stripe/bare',
      connections: settings.connections,
      seconds: settings.seconds,
      next: feed,
    });
    const cpu = measure(result.acked);
    log(`${label}: ${result.perSecond.toFixed(0)}/s p99 ${result.p99} ms — ${describe(result)}; ${cpu.summary}`);
    if (result.non2xx + result.errors > 0)
      failures.push(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors ${result.samples.join(' | ')}`);
    rows.push({
      benchmark: `Bare bound: node:http + signature check only${bodies}`,
      target: mix === 'checkout' ? '(bound, SPEC: ~27,000/s)' : '(bound for the peer comparison)',
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      rssMb: child.peakRssMb(),
      detail: `${describe(result)}; ${cpu.summary}`,
    });
    return result.perSecond;
  } finally {
    await child.stop();
  }
}

/**
 * Paybridge's webhook route under load: every answer 2xx must correspond to a row stored exactly
 * once, checked after the process stops by reading the events table.
 */
export type Mix = 'checkout' | 'customers';

export function feedFor(mix: Mix, sandbox: SandboxInfo, secret: string) {
  return mix === 'checkout'
    ? checkoutFeed({ template: sandbox.template, secret, sessionPrefix: sandbox.sessionPrefix, sessions: sandbox.sessions })
    : customerFeed({ secret });
}

export async function benchIngest(
  store: StoreChoice,
  sandbox: SandboxInfo,
  settings: IngestSettings,
  options: { role?: 'web' | 'all'; mix?: Mix } = {},
): Promise<LoadResult> {
  const role = options.role ?? 'web';
  const mix = options.mix ?? 'checkout';
  const paybridge = await startPaybridge({ store, sandboxUrl: sandbox.url, role, cpuProfDir: settings.cpuProfDir });
  try {
    const { connectionId, secret } = await paybridge.connect(sandbox.account.secret_key);
    const feed = feedFor(mix, sandbox, secret);
    const path = `/webhooks/stripe/${connectionId}`;
    const startupRss = paybridge.child.resetPeakRss();
    const warm = await runLoad({
      url: paybridge.child.url,
      path,
      connections: settings.connections,
      seconds: Math.min(2, settings.seconds),
      next: feed,
    });
    const measure = cpuBudget(paybridge.child);
    // The embedded store's PostgreSQL is part of what the embedded default costs: count it too.
    const memory = store === 'embedded' ? sampleClusterMemory(paybridge.child.pid, paybridge.dataDir) : undefined;
    const result = await runLoad({
      url: paybridge.child.url,
      path,
      connections: settings.connections,
      seconds: settings.seconds,
      next: feed,
    });
    const cpu = measure(result.acked);
    const total = memory?.();
    const serverRss = paybridge.child.peakRssMb();
    // For the embedded store, the group's PSS: each shared page (PostgreSQL's shared buffers) counted
    // once, where a sum of RSS counts it once per PostgreSQL process.
    const rss = total ? total.peakPss : serverRss;
    const check = await paybridge.stopAndCount(connectionId, [...warm.ackedIds, ...result.ackedIds]);
    const label = `Paybridge ingest, ${store === 'postgres' ? 'PostgreSQL' : 'embedded PostgreSQL (memory: Paybridge + its PostgreSQL, PSS)'}, ${mix === 'checkout' ? '3 KB checkout.session.completed' : 'customer.created/updated'}${role === 'all' ? ' (role=all: workers in the same process)' : ''}`;
    log(
      `${label}: ${result.perSecond.toFixed(0)}/s p50 ${result.p50} p99 ${result.p99} ms rss ${rss.toFixed(0)} MB — ${describe(result)}; ${cpu.summary}; stored ${check.rows}, missing ${check.missing}, duplicated ${check.duplicates}`,
    );
    const lost = check.missing + check.duplicates;
    if (lost > 0) failures.push(`${label}: ${check.missing} acknowledged events missing, ${check.duplicates} stored twice`);
    if (result.non2xx + result.errors + warm.non2xx + warm.errors > 0)
      failures.push(
        `${label}: ${result.non2xx + warm.non2xx} non-2xx, ${result.errors + warm.errors} errors ${[...warm.samples, ...result.samples].join(' | ')}`,
      );
    const target = store === 'postgres' ? '≥ 10,000/s, p99 ≤ 50 ms, RSS ≤ 300 MB' : '≥ 3,000/s, p99 ≤ 100 ms, total PSS ≤ 300 MB';
    const met =
      role === 'all' || mix !== 'checkout'
        ? undefined
        : store === 'postgres'
          ? result.perSecond >= 10_000 && result.p99 <= 50 && rss <= 300
          : result.perSecond >= 3_000 && result.p99 <= 100 && rss <= 300;
    rows.push({
      benchmark: label,
      target: role === 'all' || mix !== 'checkout' ? '(vs peer below)' : target,
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      rssMb: rss,
      met,
      detail: `${describe(result)}; every ack verified stored once (${check.missing} missing); ${cpu.summary}; ${
        total
          ? `memory is the peak under load of the PSS of Paybridge plus ${total.processes} PostgreSQL processes summed; their RSS sum (shared buffers counted once per process) peaked at ${total.peakRss.toFixed(0)} MB; Paybridge alone ${serverRss.toFixed(0)} MB RSS`
          : 'RSS is the peak under load'
      }, start-up peaked at ${startupRss.toFixed(0)} MB`,
    });
    return result;
  } finally {
    await paybridge.dispose();
  }
}
