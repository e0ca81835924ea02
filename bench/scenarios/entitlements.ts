import autocannon from 'autocannon';
import pg from 'pg';
import { cpuBudget } from '../lib/cpu';
import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

/**
 * The entitlement check (`GET …/customers/{customer}/entitlements/{key}`) as a platform calls it on
 * every request: a tenant API key, customers named by `ext:{external_id}`, keys that are granted and
 * keys that are not, spread over `customers` customers so the answers come from the table, not one hot row.
 * Entitlement rows are written straight into PostgreSQL (what a subscription's events would leave
 * there), since this measures the read, not Checkout.
 */
export async function benchEntitlements(
  sandbox: SandboxInfo,
  options: { seconds: number; connections: number; customers: number; cpuProfDir?: string },
): Promise<void> {
  const paybridge = await startPaybridge({
    store: 'postgres',
    sandboxUrl: sandbox.url,
    role: 'web',
    cpuProfDir: options.cpuProfDir,
    // The default limits: entitlement checks have a class of their own (PAYBRIDGE_CHECK_*), high
    // enough for this load, so a platform need not raise the general per-key limit.
    env: { PAYBRIDGE_LOG_LEVEL: 'warn' },
  });
  try {
    const { tenantId } = await paybridge.connect(sandbox.account.secret_key);
    const key = await paybridge.api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'bench' });
    if (key.status !== 201) throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
    const db = new pg.Client({ connectionString: paybridge.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `insert into customers (id, tenant_id, email, name, external_id, created_at, updated_at)
         select 'cust_bench' || i, $1, 'user' || i || '@example.com', '', 'user_' || i, now(), now() from generate_series(1, $2) as i`,
        [tenantId, options.customers],
      );
      await db.query(
        `insert into entitlements (customer_id, key, source_type, source_id, tenant_id, value, status, expires_at, period_end, reason, as_of, as_of_event_id, updated_at)
         select 'cust_bench' || i, k.key, 'subscription', 'psub_bench' || i, $1, k.value, 'active', null, now() + interval '20 days',
                'subscription psub_bench' || i || ' is active', now(), 'evt_bench' || i, now()
         from generate_series(1, $2) as i, (values ('pro', 'true'::jsonb), ('seats', '5'::jsonb)) as k(key, value)`,
        [tenantId, options.customers],
      );
    } finally {
      await db.end();
    }
    const keys = ['pro', 'seats', 'admin'];
    let n = 0;
    let wrong = 0;
    const measure = cpuBudget(paybridge.child);
    const result = await autocannon({
      url: paybridge.child.url,
      connections: options.connections,
      pipelining: 1,
      duration: options.seconds,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          headers: { authorization: `Bearer ${key.body.key}` },
          setupRequest: (request: Record<string, unknown>) => {
            n += 1;
            const customer = ((n * 7919) % options.customers) + 1;
            return { ...request, path: `/api/v1/tenants/${tenantId}/customers/ext:user_${customer}/entitlements/${keys[n % keys.length]}` };
          },
          // Every customer has `pro` (true) and `seats` (5), none has `admin`: an answer that does not
          // match its own key is wrong (a batched read handing one check another's rows, say).
          onResponse: (status: number, body: string) => {
            if (status !== 200) return void (wrong += 1);
            const answer = JSON.parse(body) as { key: string; granted: boolean; value: unknown };
            const expected = { pro: [true, true], seats: [true, 5], admin: [false, false] }[answer.key];
            if (!expected || answer.granted !== expected[0] || answer.value !== expected[1]) wrong += 1;
          },
        },
      ],
    });
    const perSecond = result.requests.average;
    const p50 = result.latency.p50;
    const p99 = result.latency.p99;
    const errors = result.errors + result.timeouts + result.non2xx;
    const cpu = measure(result.requests.total);
    const detail = `${result.requests.total.toLocaleString('en-US')} checks over ${options.customers.toLocaleString('en-US')} customers, ${options.connections} connections, ${errors} errors/non-2xx, ${wrong} wrong answers; ${cpu.summary.replace('per event', 'per check')}`;
    log(`entitlements: ${perSecond.toFixed(0)}/s p50 ${p50} p99 ${p99} ms — ${detail}`);
    if (errors > 0 || wrong > 0) failures.push(`entitlements: ${detail}`);
    rows.push({
      benchmark: 'Entitlement check GET …/customers/ext:{id}/entitlements/{key} (PostgreSQL, role=web, tenant API key)',
      target: '≥ 5,000/s, p99 ≤ 20 ms',
      perSecond,
      p50,
      p99,
      rssMb: paybridge.child.peakRssMb(),
      met: perSecond >= 5_000 && p99 <= 20,
      detail,
    });
  } finally {
    await paybridge.dispose();
  }
}
