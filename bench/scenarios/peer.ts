import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpuBudget } from '../lib/cpu';
import { spawnServer } from '../lib/child';
import { runLoad } from '../lib/load';
import { adminQuery, scratchDatabase } from '../lib/postgres';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';
import { benchBare, benchIngest, feedFor, type IngestSettings, type Mix } from './ingest';

const PEER_PACKAGE = 'bench/.peer/node_modules/@supabase/stripe-sync-engine/package.json';

/** Installs the peer into the scratch folder (not a dependency of Paybridge); returns its version. */
export function ensurePeer(): string {
  if (!existsSync(PEER_PACKAGE)) {
    log('installing @supabase/stripe-sync-engine into bench/.peer …');
    execFileSync('npm', ['install', '--prefix', 'bench/.peer', '--no-audit', '--no-fund', '@supabase/stripe-sync-engine'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return (JSON.parse(readFileSync(PEER_PACKAGE, 'utf8')) as { version: string }).version;
}

export interface PeerRun {
  perSecond: number;
  p99: number;
  errors: number;
}

/** Starts the peer on its own scratch database; the caller stops it and drops the database. */
export async function startPeer(sandbox: SandboxInfo, secret: string) {
  const database = await scratchDatabase('pb_peer');
  const child = await spawnServer('bench/servers/peer.cjs', {
    label: 'stripe-sync-engine',
    typescript: false,
    env: {
      BENCH_PEER_DATABASE_URL: database.url,
      BENCH_SANDBOX_URL: sandbox.url,
      BENCH_STRIPE_KEY: sandbox.account.secret_key,
      BENCH_SIGNING_SECRET: secret,
    },
  });
  return {
    child,
    database,
    async dispose() {
      await child.stop();
      await database.drop();
    },
  };
}

export async function benchPeer(mix: Mix, sandbox: SandboxInfo, settings: IngestSettings, version: string): Promise<PeerRun> {
  const secret = 'whsec_benchpeer0123456789abcdef0';
  const peer = await startPeer(sandbox, secret);
  try {
    const feed = feedFor(mix, sandbox, secret);
    await runLoad({
      url: peer.child.url,
      path: '/webhooks',
      connections: settings.connections,
      seconds: Math.min(2, settings.seconds),
      next: feed,
    });
    const measure = cpuBudget(peer.child);
    const result = await runLoad({
      url: peer.child.url,
      path: '/webhooks',
      connections: settings.connections,
      seconds: settings.seconds,
      next: feed,
    });
    const cpu = measure(result.acked);
    const table = mix === 'checkout' ? 'checkout_sessions' : 'customers';
    const [count] = await adminQuery<{ n: string }>(`select count(*) as n from stripe.${table}`, peer.database.url);
    const label = `Stripe Sync Engine ${version}, PostgreSQL, ${mix === 'checkout' ? '3 KB checkout.session.completed' : 'customer.created/updated'}`;
    const detail = `${result.acked.toLocaleString('en-US')} acked in ${result.seconds.toFixed(1)} s, ${result.non2xx} non-2xx, ${result.errors} errors; ${count?.n} rows in stripe.${table}; ${cpu.summary}${mix === 'checkout' ? ' (the sandbox answering its Stripe calls not counted)' : ''}`;
    log(`${label}: ${result.perSecond.toFixed(0)}/s p99 ${result.p99} ms — ${detail} ${result.samples.join(' | ')}`);
    if (result.non2xx + result.errors > 0)
      failures.push(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors ${result.samples.join(' | ')}`);
    rows.push({
      benchmark: label,
      target: '(peer)',
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      rssMb: peer.child.peakRssMb(),
      detail,
    });
    return { perSecond: result.perSecond, p99: result.p99, errors: result.non2xx + result.errors };
  } finally {
    await peer.dispose();
  }
}

/** Both sides on one mix, back to back, and their ratio. */
export async function benchVersusPeer(
  mix: Mix,
  sandbox: SandboxInfo,
  settings: IngestSettings,
  version: string,
  paybridgePerSecond?: number,
): Promise<void> {
  const peer = await benchPeer(mix, sandbox, settings, version);
  const ours = paybridgePerSecond ?? (await benchIngest('postgres', sandbox, settings, { mix })).perSecond;
  // What 4× the peer asks of the machine: its share of what a server doing nothing but node:http and
  // the signature check carries on the same bodies, in the same run, on the same 2 cores as the load
  // generator. A design that also commits each event durably pays the bound's CPU and PostgreSQL's.
  const bound = mix === 'checkout' ? undefined : await benchBare(sandbox, settings, mix);
  const fourTimes = 4 * peer.perSecond;
  const ratio = ours / Math.max(peer.perSecond, 1e-9);
  const fmt = (perSecond: number) => Math.round(perSecond).toLocaleString('en-US');
  rows.push({
    benchmark: `Ratio Paybridge / peer, ${mix === 'checkout' ? 'checkout.session.completed' : 'customer.created/updated'}`,
    target: '≥ 4×',
    detail:
      `${ratio.toFixed(1)}× (${fmt(ours)} vs ${fmt(peer.perSecond)} events/s)` +
      (bound
        ? `; 4× the peer is ${fmt(fourTimes)}/s, ${(fourTimes / bound).toFixed(2)} of the bare bound on the same bodies (${fmt(bound)}/s); Paybridge reached ${(ours / bound).toFixed(2)} of it`
        : ''),
    met: ratio >= 4,
  });
}
