import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

describe('GET /v1/events', () => {
  it('filters by type (with *), types[], created range; paginates; keeps only 30 days', async () => {
    const account = await t.sb.createAccount();
    const stripe = t.sb.stripe(account.secret_key);
    const old = await stripe.customers.create({ name: 'old' });
    const oldEvent = (await stripe.events.list({ limit: 1 })).data[0]!;
    await controlPost(t.sb.url, '/_sandbox/clock/advance', { seconds: 31 * 24 * 3600 });
    const customer = await stripe.customers.create({ name: 'new' });
    await stripe.customers.update(customer.id, { name: 'newer' });
    const product = await stripe.products.create({ name: 'p' });
    await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });

    const all = await stripe.events.list({ limit: 100 });
    expect(all.data.map((e) => e.type)).toEqual(['price.created', 'product.created', 'customer.updated', 'customer.created']);
    expect(all.data.every((e) => (e.data.object as { id: string }).id !== old.id)).toBe(true);
    await expect(stripe.events.retrieve(oldEvent.id)).rejects.toMatchObject({ code: 'resource_missing' });

    expect((await stripe.events.list({ type: 'customer.updated' })).data.map((e) => e.type)).toEqual(['customer.updated']);
    expect((await stripe.events.list({ type: 'customer.*' })).data.map((e) => e.type)).toEqual(['customer.updated', 'customer.created']);
    expect((await stripe.events.list({ types: ['price.created', 'customer.created'] })).data.map((e) => e.type)).toEqual([
      'price.created',
      'customer.created',
    ]);

    const newest = all.data[0]!;
    expect((await stripe.events.list({ created: { gt: newest.created } })).data).toEqual([]);
    expect((await stripe.events.list({ created: { gte: newest.created } })).data.length).toBeGreaterThan(0);
    expect((await stripe.events.list({ created: { lt: oldEvent.created + 1 } })).data).toEqual([]);

    const first = await stripe.events.list({ limit: 3 });
    expect(first.has_more).toBe(true);
    const rest = await stripe.events.list({ limit: 3, starting_after: first.data[2]!.id });
    expect(rest).toMatchObject({ has_more: false });
    expect(rest.data.map((e) => e.type)).toEqual(['customer.created']);

    const event = await stripe.events.retrieve(newest.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'price.created',
      livemode: false,
      request: { id: expect.stringMatching(/^req_/) },
    });
  });

  it('expand walks data.* on lists', async () => {
    const customer = await t.stripe.customers.create({ name: 'expand' });
    const pi = await t.stripe.paymentIntents.create({ amount: 700, currency: 'usd', customer: customer.id });
    const list = await t.stripe.paymentIntents.list({ limit: 1, expand: ['data.customer'] });
    expect(list.data[0]!.id).toBe(pi.id);
    expect((list.data[0]!.customer as Stripe.Customer).name).toBe('expand');
  });
});
