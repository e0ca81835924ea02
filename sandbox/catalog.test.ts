import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

async function eventsOf(stripe: Stripe, objectId: string): Promise<Stripe.Event[]> {
  const list = await stripe.events.list({ limit: 100 });
  return list.data.filter((e) => (e.data.object as { id?: string }).id === objectId).reverse();
}

describe('customers', () => {
  it('create, retrieve, update, list, delete with customer.* events', async () => {
    const created = await t.stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { tenant: 't1' } });
    expect(created).toMatchObject({
      object: 'customer',
      email: 'ada@example.com',
      name: 'Ada',
      livemode: false,
      metadata: { tenant: 't1' },
    });
    expect((await t.stripe.customers.retrieve(created.id)).id).toBe(created.id);
    const updated = await t.stripe.customers.update(created.id, { name: 'Ada L.', metadata: { tenant: '', plan: 'pro' } });
    expect(updated.metadata).toEqual({ plan: 'pro' });
    expect((await t.stripe.customers.list({ email: 'ada@example.com' })).data.map((c) => c.id)).toEqual([created.id]);
    const deleted = await t.stripe.customers.del(created.id);
    expect(deleted).toMatchObject({ id: created.id, object: 'customer', deleted: true });
    expect(await t.stripe.customers.retrieve(created.id)).toMatchObject({ deleted: true });
    const events = await eventsOf(t.stripe, created.id);
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(events[1]!.data.previous_attributes).toEqual({ name: 'Ada', metadata: { tenant: 't1', plan: null } });
  });

  it('paginates newest first with has_more, starting_after and ending_before', async () => {
    const other = await t.sb.createAccount();
    const stripe = t.sb.stripe(other.secret_key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await stripe.customers.create({ name: `c${i}` })).id);
    const newestFirst = [...ids].reverse();
    const page1 = await stripe.customers.list({ limit: 2 });
    expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(page1.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    const page2 = await stripe.customers.list({ limit: 2, starting_after: page1.data[1]!.id });
    expect(page2.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await stripe.customers.list({ limit: 2, starting_after: page2.data[1]!.id });
    expect(page3.has_more).toBe(false);
    expect(page3.data.map((c) => c.id)).toEqual(newestFirst.slice(4));
    const back = await stripe.customers.list({ limit: 2, ending_before: newestFirst[4]! });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    expect(back.has_more).toBe(true);
    const all: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 2 })) all.push(customer.id);
    expect(all).toEqual(newestFirst);
  });
});

describe('products and prices', () => {
  it('product CRUD with product.* events, default_price_data, and delete refused while prices exist', async () => {
    const product = await t.stripe.products.create({ name: 'Gold', metadata: { sku: 'g' } });
    expect(product).toMatchObject({ object: 'product', name: 'Gold', active: true, default_price: null });
    const updated = await t.stripe.products.update(product.id, { description: 'Shiny', active: false });
    expect(updated).toMatchObject({ description: 'Shiny', active: false });
    expect((await t.stripe.products.list({ active: false })).data.map((p) => p.id)).toContain(product.id);
    expect(await t.stripe.products.del(product.id)).toMatchObject({ deleted: true });
    expect((await eventsOf(t.stripe, product.id)).map((e) => e.type)).toEqual(['product.created', 'product.updated', 'product.deleted']);

    const withPrice = await t.stripe.products.create({ name: 'Silver', default_price_data: { currency: 'eur', unit_amount: 500 } });
    const price = await t.stripe.prices.retrieve(withPrice.default_price as string);
    expect(price).toMatchObject({ product: withPrice.id, currency: 'eur', unit_amount: 500, type: 'one_time' });
    await expect(t.stripe.products.del(withPrice.id)).rejects.toThrow(/prices/);
  });

  it('price create (product or product_data, recurring), update, list filters, price.* events', async () => {
    const product = await t.stripe.products.create({ name: 'Plan' });
    const monthly = await t.stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 1500,
      recurring: { interval: 'month' },
      lookup_key: 'plan_m',
    });
    expect(monthly).toMatchObject({ type: 'recurring', recurring: { interval: 'month', interval_count: 1 } });
    // The SDK turns decimal strings into its Decimal type.
    expect(String(monthly.unit_amount_decimal)).toBe('1500');
    const inline = await t.stripe.prices.create({ product_data: { name: 'Inline product' }, currency: 'usd', unit_amount: 700 });
    const inlineProduct = await t.stripe.products.retrieve(inline.product as string);
    expect(inlineProduct.name).toBe('Inline product');
    const updated = await t.stripe.prices.update(monthly.id, { active: false, nickname: 'Monthly' });
    expect(updated).toMatchObject({ active: false, nickname: 'Monthly' });
    expect((await t.stripe.prices.list({ product: product.id })).data.map((p) => p.id)).toEqual([monthly.id]);
    expect((await t.stripe.prices.list({ lookup_keys: ['plan_m'] })).data.map((p) => p.id)).toEqual([monthly.id]);
    expect((await t.stripe.prices.list({ type: 'recurring', active: false })).data.map((p) => p.id)).toContain(monthly.id);
    const events = await eventsOf(t.stripe, monthly.id);
    expect(events.map((e) => e.type)).toEqual(['price.created', 'price.updated']);
    expect(events[1]!.data.previous_attributes).toEqual({ active: true, nickname: null });
    const expanded = await t.stripe.prices.retrieve(monthly.id, { expand: ['product'] });
    expect((expanded.product as Stripe.Product).name).toBe('Plan');
  });
});

describe('balance and account', () => {
  it('GET /v1/balance and GET /v1/account', async () => {
    const balance = await t.stripe.balance.retrieve();
    expect(balance).toMatchObject({ object: 'balance', livemode: false, available: [{ amount: 0, currency: 'usd' }] });
    const account = await t.stripe.accounts.retrieveCurrent();
    expect(account).toMatchObject({ id: t.account.id, object: 'account', email: 'owner@example.com', charges_enabled: true });
  });
});
