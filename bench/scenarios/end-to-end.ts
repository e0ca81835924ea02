import { signed } from '../lib/events';
import { runLoad } from '../lib/load';
import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import type { SandboxInfo } from '../lib/sandbox';
import { feedFor } from './ingest';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/**
 * Event received → invoice `paid` visible through the API, while the webhook route takes a steady
 * 1,000 events/s in total. Invoices are real: created and finalized through the API (a payment link
 * in the sandbox), paid in the sandbox; their `checkout.session.completed` events are then delivered
 * at intervals among the background load, and each one's invoice is polled until it reads `paid`.
 */
export async function benchEndToEnd(
  sandbox: SandboxInfo,
  options: { seconds: number; samples: number; rate: number; cpuProfDir?: string },
): Promise<void> {
  const paybridge = await startPaybridge({
    store: 'postgres',
    sandboxUrl: sandbox.url,
    role: 'all',
    cpuProfDir: options.cpuProfDir,
    // The setup creates and finalizes 100 invoices with one key as fast as it can, and the measurement
    // polls them: both above the default 25 requests/s per key, and neither what is measured here.
    env: { PAYBRIDGE_API_RATE_PER_KEY: '100000', PAYBRIDGE_API_CONCURRENCY_PER_KEY: '1000' },
  });
  try {
    const { tenantId, connectionId, secret } = await paybridge.connect(sandbox.account.secret_key);
    const api = (method: string, path: string, body?: unknown) => paybridge.api(method, `/api/v1/tenants/${tenantId}${path}`, body);
    const invoices: { id: string; sessionId: string }[] = [];
    for (let i = 0; i < options.samples; i++) {
      const created = await api('POST', '/invoices', {
        connection_id: connectionId,
        customer: { email: `buyer${i}@example.com`, name: 'Ada Lovelace' },
        currency: 'eur',
        lines: [{ description: 'Membership', quantity: 1, unit_amount: 2000 }],
      });
      if (created.status !== 201) throw new Error(`invoice: ${created.status} ${JSON.stringify(created.body)}`);
      const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
      if (finalized.status !== 200) throw new Error(`finalize: ${finalized.status} ${JSON.stringify(finalized.body)}`);
      const paid = await fetch(`${sandbox.url}/_sandbox/payment_links/${finalized.body.payment_link_id}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ card: '4242424242424242' }),
      });
      const session = (await paid.json()) as { id: string };
      if (!paid.ok) throw new Error(`pay: ${paid.status} ${JSON.stringify(session)}`);
      invoices.push({ id: created.body.id, sessionId: session.id });
    }
    const events = await sessionEvents(sandbox);
    const deliveries = invoices.map((invoice) => {
      const body = events.get(invoice.sessionId);
      if (!body) throw new Error(`no checkout.session.completed in the sandbox for ${invoice.sessionId}`);
      return { invoice, id: JSON.parse(body).id as string, body };
    });

    const path = `/webhooks/stripe/${connectionId}`;
    const background = runLoad({
      url: paybridge.child.url,
      path,
      connections: 16,
      seconds: options.seconds,
      rate: options.rate - options.samples / options.seconds,
      next: feedFor('checkout', sandbox, secret),
    });
    const latencies: number[] = [];
    let late = 0;
    const gap = (options.seconds * 1000 * 0.8) / options.samples;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the background reach its rate
    // One invoice at a time, so the bench's own polling (every 10 ms) stays a few requests per second.
    const begun = performance.now();
    for (const [index, delivery] of deliveries.entries()) {
      const wait = begun + index * gap - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const request = signed(delivery.id, delivery.body, secret);
      const started = performance.now();
      const answer = await fetch(`${paybridge.child.url}${path}`, { method: 'POST', headers: request.headers, body: request.body });
      await answer.text();
      if (answer.status !== 200) throw new Error(`invoice event answered ${answer.status}`);
      let paid = false;
      while (!paid && performance.now() < started + 60_000) {
        const invoice = await api('GET', `/invoices/${delivery.invoice.id}`);
        if (invoice.body.status === 'paid') paid = true;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (paid) latencies.push(performance.now() - started);
      else late += 1;
    }
    const load = await background;
    if (process.env.BENCH_E2E_TRACE) log(`latencies in order: ${latencies.map((l) => l.toFixed(0)).join(' ')}`);
    const sorted = latencies.sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const detail = `${sorted.length}/${deliveries.length} invoices paid (${late} not within 60 s), max ${sorted.at(-1)?.toFixed(0)} ms; background ${load.perSecond.toFixed(0)} events/s acked, ${load.non2xx} non-2xx, ${load.errors} errors`;
    log(`end to end: p50 ${p50.toFixed(0)} p99 ${p99.toFixed(0)} ms — ${detail}`);
    if (late > 0 || load.non2xx + load.errors > 0) failures.push(`end to end: ${detail}`);
    rows.push({
      benchmark: `End to end: event received → invoice paid in the API, at ${options.rate.toLocaleString('en-US')} events/s (PostgreSQL, role=all)`,
      target: 'p99 ≤ 250 ms',
      perSecond: load.perSecond,
      p50,
      p99,
      rssMb: paybridge.child.peakRssMb(),
      met: late === 0 && p99 <= 250,
      detail,
    });
  } finally {
    await paybridge.dispose();
  }
}

/** Every checkout.session.completed the sandbox recorded, by session id, as Stripe would send it. */
async function sessionEvents(sandbox: SandboxInfo): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let after: string | undefined;
  for (let page = 0; page < 1_000; page++) {
    const url = `${sandbox.url}/v1/events?type=checkout.session.completed&limit=100${after ? `&starting_after=${after}` : ''}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${sandbox.account.secret_key}` } });
    const list = (await response.json()) as { data: { id: string; data: { object: { id: string } } }[]; has_more: boolean };
    for (const event of list.data) found.set(event.data.object.id, JSON.stringify(event));
    if (!list.has_more || list.data.length === 0) break;
    after = list.data.at(-1)!.id;
  }
  return found;
}
