import Stripe from 'stripe';
import { startPaybridge } from '../lib/paybridge';
import { failures, log, rows } from '../lib/report';
import { startBenchSandbox } from '../lib/sandbox';

/**
 * Catalog import speed: `products` products and `prices` prices created in a fresh sandbox account,
 * then one import on a Paybridge (PostgreSQL, role all, so its job runner does the import) timed
 * from `POST …/catalog/import` until its progress says succeeded; every object must be counted, and
 * a second import must change nothing.
 */
export async function benchCatalog(products: number, prices: number): Promise<void> {
  const sandbox = await startBenchSandbox(0);
  const paybridge = await startPaybridge({ store: 'postgres', sandboxUrl: sandbox.url, role: 'all' });
  try {
    const url = new URL(sandbox.url);
    const stripe = new Stripe(sandbox.account.secret_key, {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      telemetry: false,
    });
    const productIds: string[] = [];
    let next = 0;
    const t0 = performance.now();
    const lane = async (total: number, create: (index: number) => Promise<void>) => {
      while (next < total) await create(next++);
    };
    await Promise.all(
      Array.from({ length: 8 }, () =>
        lane(products, async (i) => {
          productIds[i] = (await stripe.products.create({ name: `Bench product ${i}` })).id;
        }),
      ),
    );
    next = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        lane(prices, async (i) => {
          await stripe.prices.create({ product: productIds[i % products]!, currency: 'usd', unit_amount: 100 + i });
        }),
      ),
    );
    log(`catalog: created ${products} products and ${prices} prices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const { tenantId, connectionId } = await paybridge.connect(sandbox.account.secret_key);
    const base = `/api/v1/tenants/${tenantId}/connections/${connectionId}/catalog/import`;
    const runImport = async () => {
      const started = performance.now();
      const answer = await paybridge.api('POST', base);
      if (answer.status !== 202) throw new Error(`catalog import: ${answer.status} ${JSON.stringify(answer.body)}`);
      for (;;) {
        const progress = await paybridge.api('GET', `${base}/${answer.body.job_id}`);
        if (progress.body.status === 'succeeded' || progress.body.status === 'failed')
          return { seconds: (performance.now() - started) / 1000, body: progress.body };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const first = await runImport();
    const second = await runImport();
    // The bench sandbox's account starts with its own seed objects; at least these must be counted.
    const expected = products + prices;
    const perSecond = first.body.done / first.seconds;
    const detail = `${products.toLocaleString('en-US')} products + ${prices.toLocaleString('en-US')} prices in ${first.seconds.toFixed(2)} s (done ${first.body.done}/${first.body.total}); second import ${second.seconds.toFixed(2)} s, changed ${second.body.changed}`;
    log(`catalog: ${perSecond.toFixed(0)} objects/s — ${detail}`);
    if (
      first.body.status !== 'succeeded' ||
      first.body.done < expected ||
      first.body.total !== first.body.done ||
      second.body.changed !== 0
    )
      failures.push(`catalog: ${detail}; ${first.body.error ?? ''}`);
    rows.push({
      benchmark: 'Catalog import from the sandbox (PostgreSQL, objects/s)',
      target: '≥ 1,000/s',
      perSecond,
      rssMb: paybridge.child.peakRssMb(),
      met: perSecond >= 1_000,
      detail,
    });
  } finally {
    await paybridge.dispose();
    await sandbox.child.stop();
  }
}
