import { describe, expect, it } from 'vitest';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

describe('product and price search', () => {
  it('matches exact clauses joined by OR or AND, pages with next_page, and counts only when total_count is expanded', async () => {
    const kept = await t.stripe.products.create({ name: 'Kept', metadata: { tier: 'gold' } });
    const archived = await t.stripe.products.create({ name: 'Archived', active: false });
    const price = await t.stripe.prices.create({ product: kept.id, currency: 'usd', unit_amount: 500 });
    await t.stripe.prices.create({ product: kept.id, currency: 'eur', unit_amount: 700 });

    const everything = await t.stripe.products.search({ query: "active:'true' OR active:'false'", limit: 1, expand: ['total_count'] });
    expect(everything).toMatchObject({ object: 'search_result', has_more: true, total_count: 2 });
    expect(everything.data).toHaveLength(1);
    const second = await t.stripe.products.search({ query: "active:'true' OR active:'false'", limit: 1, page: everything.next_page! });
    expect(second.has_more).toBe(false);
    expect(second.total_count).toBeUndefined();
    expect([everything.data[0]!.id, second.data[0]!.id].sort()).toEqual([kept.id, archived.id].sort());

    const gold = await t.stripe.products.search({ query: "metadata['tier']:'gold' AND active:'true'" });
    expect(gold.data.map((p) => p.id)).toEqual([kept.id]);
    const usd = await t.stripe.prices.search({ query: `product:'${kept.id}' AND currency:'usd'`, expand: ['total_count'] });
    expect(usd.data.map((p) => p.id)).toEqual([price.id]);
    expect(usd.total_count).toBe(1);
  });

  it('refuses a query mixing AND and OR, or a clause it cannot read, naming the query parameter', async () => {
    await expect(t.stripe.products.search({ query: "active:'true' AND name:'a' OR name:'b'" })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'query',
    });
    await expect(t.stripe.prices.search({ query: 'unit_amount>100' })).rejects.toMatchObject({ param: 'query' });
  });
});
