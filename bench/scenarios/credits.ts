import { runLoad } from '../lib/load';
import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

/**
 * Debits of 1 credit, all on one customer's unit: the worst case for the credits ledger, since every
 * debit takes the same account lock (src/modules/credits/credits-service.ts). Afterwards the balance
 * must be exactly the grant minus the debits acknowledged: nothing lost or taken twice under load.
 */
export async function benchCredits(
  sandbox: SandboxInfo,
  settings: { seconds: number; connections: number; cpuProfDir?: string },
): Promise<void> {
  const paybridge = await startPaybridge({
    store: 'postgres',
    sandboxUrl: sandbox.url,
    cpuProfDir: settings.cpuProfDir,
    env: { PAYBRIDGE_API_RATE_PER_KEY: '1000000', PAYBRIDGE_API_CONCURRENCY_PER_KEY: '1000' },
  });
  try {
    const tenant = await paybridge.api('POST', '/api/v1/tenants', { name: 'Credits bench' });
    const base = `/api/v1/tenants/${tenant.body.id}`;
    const key = (await paybridge.api('POST', `${base}/api-keys`, { name: 'bench' })).body.key as string;
    const customer = await paybridge.api('POST', `${base}/customers`, { external_id: 'bench_user', email: 'bench@example.com' });
    const credits = `${base}/customers/${customer.body.id}/credits`;
    const granted = 1_000_000_000;
    const grant = await paybridge.api('POST', `${credits}/grants`, {
      unit: 'job_credits',
      amount: granted,
      kind: 'paid',
      idempotency_key: 'bench',
    });
    if (grant.status !== 201) throw new Error(`grant: ${grant.status} ${JSON.stringify(grant.body)}`);
    let n = 0;
    const next = () => {
      n += 1;
      return {
        id: `debit_${n}`,
        body: JSON.stringify({ unit: 'job_credits', amount: 1, idempotency_key: `debit_${n}` }),
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      };
    };
    const connections = Math.min(16, settings.connections);
    const load = (seconds: number) => runLoad({ url: paybridge.child.url, path: `${credits}/debits`, connections, seconds, next });
    const warmUp = await load(Math.min(2, settings.seconds));
    const result = await load(settings.seconds);
    // autocannon stops with requests still in flight; the server finishes them. Wait for the balance to settle.
    const available = async () => (await paybridge.api('GET', credits)).body.data[0].available as number;
    let after = await available();
    for (let stable = 0; stable < 3;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await available();
      stable = now === after ? stable + 1 : 0;
      after = now;
    }
    // Each key debits at most once (fell ≤ keys sent) and no acknowledged debit is lost (fell ≥ acknowledged).
    const fell = granted - after;
    const acknowledged = warmUp.acked + result.acked;
    const exact = fell <= n && fell >= acknowledged;
    if (!exact) failures.push(`credits: balance fell by ${fell}, but ${acknowledged} debits were acknowledged of ${n} sent`);
    if (result.non2xx > 0 || result.errors > 0)
      failures.push(`credits: ${result.non2xx} non-2xx, ${result.errors} errors: ${result.samples.join(' | ')}`);
    log(
      `credits: ${result.acked} debits in ${result.seconds.toFixed(1)} s; balance fell by ${fell} for ${acknowledged} acknowledged of ${n} sent`,
    );
    rows.push({
      benchmark: `Credits: debits of 1 on one customer's unit (one account lock), ${connections} connections`,
      target: '(no target)',
      perSecond: result.perSecond,
      p50: result.p50,
      p99: result.p99,
      detail: `${result.acked.toLocaleString('en-US')} debits; balance ${exact ? 'consistent' : '**wrong**'} (fell ${fell} for ${acknowledged} acknowledged of ${n} sent); ${result.non2xx} non-2xx`,
    });
  } finally {
    await paybridge.dispose();
  }
}
