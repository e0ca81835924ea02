import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventWorker } from '../../../src/webhooks/worker';
import { createHarness, type TestHarness } from '../../support/test-context';
import { insertTestConnection } from '../../support/test-connections';
import { deliver, stripeEvent } from '../../support/webhook-delivery';

/**
 * Product and price events arrive late, twice and shuffled; the lists must end where in-order
 * delivery ends, and a deleted price must never come back. Every permutation of a four-event
 * sequence, each event delivered twice, is run on its own product and price, in two ways: all
 * delivered before the worker runs (one chunk sees them together) and processed one delivery at a time.
 */

const T = Math.floor(Date.now() / 1000) - 3_600;

function product(id: string, name: string) {
  return { id, object: 'product', active: true, created: T, name, description: null, metadata: {}, default_price: null, livemode: false };
}

function price(id: string, productId: string, changes: Record<string, unknown> = {}) {
  return {
    id,
    object: 'price',
    active: true,
    created: T,
    currency: 'usd',
    unit_amount: 1200,
    nickname: null,
    product: productId,
    type: 'recurring',
    recurring: { interval: 'month', interval_count: 1 },
    lookup_key: null,
    metadata: {},
    livemode: false,
    ...changes,
  };
}

/** The sequence, in Stripe's order: renamed price, renamed product, price archived, price deleted. */
function sequence(run: string) {
  const productId = `prod_${run}`;
  const priceId = `price_${run}`;
  return {
    productId,
    priceId,
    setup: [
      stripeEvent('product.created', product(productId, 'Original'), { created: T }),
      stripeEvent('price.created', price(priceId, productId), { created: T }),
    ],
    events: [
      stripeEvent('price.updated', price(priceId, productId, { nickname: 'Gold' }), { created: T + 1, previous: { nickname: null } }),
      stripeEvent('product.updated', product(productId, 'Renamed'), { created: T + 2, previous: { name: 'Original' } }),
      stripeEvent('price.updated', price(priceId, productId, { nickname: 'Gold', active: false }), {
        created: T + 3,
        previous: { active: true },
      }),
      stripeEvent('price.deleted', price(priceId, productId, { nickname: 'Gold', active: false }), { created: T + 4 }),
    ],
  };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('catalog lists under shuffled and duplicated product and price events', () => {
  let h: TestHarness;
  let worker: EventWorker;
  let tenantId: string;
  let connectionId: string;
  let secret: string;

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_LOG_LEVEL: 'warn' });
    worker = new EventWorker(h.ctx, { retry: { baseMs: 10, maxMs: 50, maxAttempts: 5 } });
    ({
      tenantId,
      connection: { id: connectionId },
      secret,
    } = await insertTestConnection(h, { features: ['catalog'] }));
  });
  afterAll(async () => {
    await h?.close();
  });

  const api = (path: string) => h.api('GET', `/api/v1/tenants/${tenantId}/connections/${connectionId}${path}`);
  const send = async (event: object) => expect((await deliver(h, connectionId, event, { secrets: [secret] })).status).toBe(200);

  async function runPermutation(run: string, order: number[], oneAtATime: boolean) {
    const { productId, priceId, setup, events } = sequence(run);
    for (const event of setup) await send(event);
    await worker.drain();
    for (const index of order) {
      for (let copy = 0; copy < 2; copy += 1) {
        await send(events[index]!);
        if (oneAtATime) await worker.drain();
      }
    }
    await worker.drain();
    return { productId, priceId };
  }

  for (const oneAtATime of [false, true]) {
    it(`every permutation ends in the in-order state (${oneAtATime ? 'processed one delivery at a time' : 'delivered together, then processed'})`, async () => {
      const orders = permutations([0, 1, 2, 3]);
      expect(orders).toHaveLength(24);
      for (const [n, order] of orders.entries()) {
        const run = `${oneAtATime ? 'one' : 'all'}${n}x${order.join('')}`;
        const { productId, priceId } = await runPermutation(run, order, oneAtATime);
        const label = `order ${order.join(',')}`;

        const prices = await api(`/prices?product=${productId}&limit=10`);
        expect(prices.status, label).toBe(200);
        expect(prices.body.data, label).toEqual([
          expect.objectContaining({ id: priceId, deleted: true, active: false, nickname: 'Gold', unit_amount: 1200, product: productId }),
        ]);
        const products = await api(`/products?q=${encodeURIComponent('Renamed')}&limit=100`);
        expect(
          products.body.data.filter((p: { id: string }) => p.id === productId),
          label,
        ).toEqual([expect.objectContaining({ name: 'Renamed', active: true, deleted: false })]);

        // The sellable price stopped being sellable once, whichever event told us first.
        const archived = await h.ctx.store.db
          .selectFrom('domain_events')
          .select(['type', 'snapshot'])
          .where('object_id', '=', priceId)
          .where('type', '=', 'catalog.price_archived')
          .execute();
        expect(archived, label).toHaveLength(1);
      }
    });
  }

  it('a late price.updated after price.deleted does not resurrect the price', async () => {
    const { productId, priceId, setup } = sequence('late');
    for (const event of setup) await send(event);
    await send(stripeEvent('price.deleted', price(priceId, productId), { created: T + 10 }));
    await worker.drain();
    await send(
      stripeEvent('price.updated', price(priceId, productId, { nickname: 'Back?' }), { created: T + 20, previous: { nickname: null } }),
    );
    await worker.drain();
    const prices = await api(`/prices?product=${productId}`);
    expect(prices.body.data).toEqual([expect.objectContaining({ id: priceId, deleted: true, nickname: null })]);
    expect((await api(`/prices?product=${productId}&deleted=false`)).body.data).toEqual([]);
  });

  it('filters by active, type and name, pages with the cursor, and hides other tenants’ connections (404)', async () => {
    const listed = await api('/prices?type=recurring&active=false&limit=5');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(5);
    expect(listed.body.data.every((p: { active: boolean; type: string }) => !p.active && p.type === 'recurring')).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await api(
        `/products?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((p) => p.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const stored = await h.ctx.store.db
      .selectFrom('catalog_products')
      .select('stripe_id')
      .where('connection_id', '=', connectionId)
      .execute();
    expect(seen.sort()).toEqual(stored.map((row) => row.stripe_id).sort());
    expect(seen.length).toBeGreaterThan(7);
    expect((await api('/prices?type=weekly')).body.error).toMatchObject({ field: 'type', message: expect.stringContaining('one_time') });

    const other = await insertTestConnection(h, { features: ['catalog'] });
    const foreign = await h.api('GET', `/api/v1/tenants/${other.tenantId}/connections/${connectionId}/prices`);
    expect(foreign.status).toBe(404);
  });
});
