import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg } from 'node:os';
import pg from 'pg';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { spawnServer } from '../lib/child';
import { envelope, freshEventId, signed } from '../lib/events';
import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Payment request long-polls on a web process (PAYBRIDGE_ROLE=web) while a separate worker process
 * applies the payments. Wake-up latency: a poll waits on a pending request; a
 * `payment_intent.requires_action` event is delivered to the web process; the worker processes it
 * and commits; the web process hears the commit through NOTIFY and answers. Measured from the
 * domain event's time (taken by the worker just before its commit, so the figure includes a little
 * processing time on top of the wake-up) to the poll's answer. Memory: the web process's RSS with
 * `waits` long-polls open at once, each on its own request.
 */
export async function benchLongPoll(sandbox: SandboxInfo, options: { samples: number; waits: number }): Promise<void> {
  const masterKey = generateMasterKey();
  const limits = { PAYBRIDGE_API_RATE_PER_KEY: '1000000', PAYBRIDGE_API_CONCURRENCY_PER_KEY: '100000' };
  const web = await startPaybridge({
    store: 'postgres',
    sandboxUrl: sandbox.url,
    role: 'web',
    env: { PAYBRIDGE_MASTER_KEY: masterKey, PAYBRIDGE_LOG_LEVEL: 'warn', ...limits },
  });
  const adminToken = web.adminToken;
  const worker = await spawnServer('bench/servers/paybridge.ts', {
    label: 'paybridge worker',
    env: {
      PAYBRIDGE_DATABASE_URL: web.databaseUrl,
      PAYBRIDGE_MASTER_KEY: masterKey,
      PAYBRIDGE_ADMIN_TOKEN: adminToken,
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_ROLE: 'worker',
      PAYBRIDGE_LOG_LEVEL: 'warn',
    },
  });
  const db = new pg.Client({ connectionString: web.databaseUrl });
  await db.connect();
  try {
    const { tenantId, connectionId, secret } = await web.connect(sandbox.account.secret_key);
    const base = `/api/v1/tenants/${tenantId}/payment-requests`;
    const poll = (id: string, wait: number) =>
      fetch(`${web.child.url}${base}/${id}?wait=${wait}&known_status=pending`, { headers: { authorization: `Bearer ${adminToken}` } }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as { status: string } }),
      );

    // Wake-up latency, one request at a time.
    const latencies: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const created = await web.api('POST', base, { connection_id: connectionId, amount: 2000, currency: 'eur', method: 'payment_intent' });
      if (created.status !== 201) throw new Error(`payment request: ${created.status} ${JSON.stringify(created.body)}`);
      const answer = poll(created.body.id, 30);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the poll is registered before the payment moves
      const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'payment_request', paybridge_payable_id: created.body.id };
      const id = freshEventId();
      const body = envelope(
        id,
        'payment_intent.requires_action',
        {
          id: created.body.payment_intent_id,
          object: 'payment_intent',
          status: 'requires_action',
          amount: 2000,
          currency: 'eur',
          metadata,
        },
        Math.floor(Date.now() / 1000),
      );
      const delivery = signed(id, body, secret);
      const stored = await fetch(`${web.child.url}/webhooks/stripe/${connectionId}`, { method: 'POST', headers: delivery.headers, body });
      await stored.text();
      if (stored.status !== 200) throw new Error(`event answered ${stored.status}`);
      const woken = await answer;
      const answeredAt = Date.now();
      if (woken.body.status !== 'requires_action') {
        failures.push(`long-poll answered ${woken.body.status} instead of requires_action`);
        continue;
      }
      const { rows: events } = await db.query<{ created_at: Date }>(
        `select created_at from domain_events where object_id = $1 and type = 'payment_request.requires_action'`,
        [created.body.id],
      );
      latencies.push(answeredAt - events[0]!.created_at.getTime());
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    rows.push({
      benchmark: `Long-poll wake-up: worker commit → poll answered by a separate web process (${latencies.length} requests, PostgreSQL)`,
      target: 'p99 ≤ 250 ms',
      p50,
      p99,
      detail: `max ${latencies.at(-1)} ms; load average ${load}`,
      met: p99 <= 250,
    });
    log(`long-poll wake-up: p50 ${p50} ms, p99 ${p99} ms (load ${load})`);

    // Memory with many long-polls open at once, each on its own request (rows written directly: the
    // Stripe objects play no part in waiting).
    const now = new Date();
    const ids = Array.from({ length: options.waits }, (_, i) => `preq_bench${i.toString().padStart(8, '0')}`);
    for (let i = 0; i < ids.length; i += 1_000) {
      const chunk = ids.slice(i, i + 1_000);
      await db.query(
        `insert into payment_requests (id, tenant_id, connection_id, method, status, amount, currency, created_at, updated_at)
         select unnest($1::text[]), $2, $3, 'payment_intent', 'pending', 2000, 'EUR', $4, $4`,
        [chunk, tenantId, connectionId, now],
      );
    }
    const before = rssMb(web.child.pid);
    web.child.resetPeakRss();
    const started = performance.now();
    // Plain node:http with a socket per poll, opened in steps of 250 so the server's accept backlog
    // keeps up on the loaded 2 cores (fetch's 10 s connect timeout tripped when all 5,000 came at once).
    const waits: Promise<{ status: number; body: { status: string } } | undefined>[] = [];
    for (let i = 0; i < ids.length; i += 250) {
      for (const id of ids.slice(i, i + 250))
        waits.push(longPoll(`${web.child.url}${base}/${id}?wait=60&known_status=pending`, adminToken));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const during = rssMb(web.child.pid);
    const answers = await Promise.all(waits);
    const peak = web.child.peakRssMb();
    const unchanged = answers.filter((answer) => answer?.status === 200 && answer.body.status === 'pending').length;
    const outcomes = new Map<string, number>();
    for (const answer of answers) {
      const outcome = answer?.status === 200 ? `200 ${answer.body.status}` : answer ? `${answer.status}` : 'connection failed';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    log(`long-poll answers: ${[...outcomes].map(([outcome, count]) => `${outcome}: ${count}`).join(', ')}`);
    if (unchanged !== ids.length) failures.push(`${ids.length - unchanged} of ${ids.length} long-polls did not answer 200 pending`);
    const heldFor = ((performance.now() - started) / 1000).toFixed(1);
    rows.push({
      benchmark: `Long-poll memory: ${options.waits.toLocaleString('en-US')} concurrent long-polls on one web process`,
      target: 'no connection per waiter',
      rssMb: peak,
      detail: `RSS ${before.toFixed(0)} MB idle → ${during.toFixed(0)} MB while all wait (peak ${peak.toFixed(0)} MB); ${unchanged} answered "pending" after their 60 s wait (${heldFor} s in all); load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    });
    log(`long-poll memory: ${before.toFixed(0)} → ${during.toFixed(0)} MB (peak ${peak.toFixed(0)} MB) with ${options.waits} waits`);
  } finally {
    await db.end();
    await worker.stop();
    await web.dispose();
  }
}

/** One long-poll over its own socket; undefined when the connection failed. */
function longPoll(url: string, token: string): Promise<{ status: number; body: { status: string } } | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { status: string } });
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`long-poll socket error: ${error.code ?? error.message}\n`);
      resolve(undefined);
    });
  });
}
