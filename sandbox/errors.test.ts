import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe('authentication', () => {
  it('rejects an unknown key with 401 and a masked key in the message', async () => {
    const error = await rejection(t.sb.stripe('sk_test_unknownunknown1234abcd').customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_\*+abcd$/);
  });

  it('refuses a publishable key where a secret key belongs', async () => {
    const error = await rejection(t.sb.stripe(t.account.publishable_key).balance.retrieve());
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.message).toContain('publishable API key');
  });

  it('403s a restricted key lacking the permission, naming rak_<permission> and the account', async () => {
    const { body } = await controlPost<{ key: string }>(t.sb.url, `/_sandbox/accounts/${t.account.id}/restricted_keys`, {
      permissions: ['rak_customer_read', 'rak_price_read'],
    });
    expect(body.key).toMatch(/^rk_test_/);
    const rk = t.sb.stripe(body.key);
    await expect(rk.customers.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
    await expect(rk.prices.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
    const write = await rejection(rk.customers.create({ email: 'x@example.com' }));
    expect(write).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(write.statusCode).toBe(403);
    expect(write.message).toContain("'rak_customer_write'");
    expect(write.message).toContain(t.account.id);
    const webhook = await rejection(rk.webhookEndpoints.create({ url: 'https://example.com/h', enabled_events: ['*'] }));
    expect(webhook.message).toContain("'rak_webhook_write'");
    // Stripe's slug for prices is `plan`: a key without it is told about rak_plan_read.
    const { body: other } = await controlPost<{ key: string }>(t.sb.url, `/_sandbox/accounts/${t.account.id}/restricted_keys`, {
      permissions: ['rak_customer_write'],
    });
    const prices = await rejection(t.sb.stripe(other.key).prices.list());
    expect(prices.message).toContain("'rak_plan_read'");
    // Write implies read.
    await expect(t.sb.stripe(other.key).customers.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('keeps test and live data, and accounts, apart', async () => {
    const testCustomer = await t.stripe.customers.create({ name: 'test-only' });
    const live = t.sb.stripe(t.account.live_secret_key);
    const liveError = await rejection(live.customers.retrieve(testCustomer.id));
    expect(liveError).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(liveError.code).toBe('resource_missing');
    const liveCustomer = await live.customers.create({ name: 'live-only' });
    expect(liveCustomer.livemode).toBe(true);
    expect((await live.customers.list({ limit: 100 })).data.map((c) => c.id)).not.toContain(testCustomer.id);
    const other = await t.sb.createAccount();
    const otherError = await rejection(t.sb.stripe(other.secret_key).customers.retrieve(testCustomer.id));
    expect(otherError.statusCode).toBe(404);
    expect((await t.sb.stripe(other.secret_key).customers.list()).data).toEqual([]);
  });
});

describe('request errors', () => {
  it('404 resource_missing with param for an unknown id', async () => {
    const error = await rejection(t.stripe.customers.retrieve('cus_doesnotexist'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_doesnotexist'",
    });
    const price = await rejection(t.stripe.prices.create({ currency: 'usd', unit_amount: 100, product: 'prod_missing' }));
    expect(price).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'product' });
  });

  it('400 parameter_missing / parameter_invalid_integer / parameter_invalid_empty / parameter_unknown with param', async () => {
    const missing = await rejection(t.stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(missing).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'amount' });
    const integer = await rejection(t.stripe.paymentIntents.create({ amount: 'abc' as unknown as number, currency: 'usd' }));
    expect(integer).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    const empty = await rejection(t.stripe.products.create({ name: '' }));
    expect(empty).toMatchObject({ code: 'parameter_invalid_empty', param: 'name' });
    const unknown = await rejection(t.stripe.customers.create({ colour: 'red' } as Stripe.CustomerCreateParams));
    expect(unknown).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const nested = await rejection(
      t.stripe.paymentLinks.create({ line_items: [{ quantity: 1 } as Stripe.PaymentLinkCreateParams.LineItem] }),
    );
    expect(nested).toMatchObject({ code: 'parameter_missing', param: 'line_items[0][price]' });
    const limit = await rejection(t.stripe.customers.list({ limit: 101 }));
    expect(limit).toMatchObject({ param: 'limit' });
  });

  it('429 rate_limit while enabled from the control API', async () => {
    await controlPost(t.sb.url, '/_sandbox/rate_limit', { enabled: true, requests: 1 });
    const error = await rejection(t.stripe.balance.retrieve());
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    await expect(t.stripe.balance.retrieve()).resolves.toMatchObject({ object: 'balance' });
  });
});

describe('idempotency and versions', () => {
  it('replays the same request and rejects the same key with different params', async () => {
    const first = await t.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'key-1' });
    const again = await t.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await t.stripe.customers.list({ email: 'idem@example.com' })).data).toHaveLength(1);
    const error = await rejection(t.stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'key-1' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
  });

  it('echoes Stripe-Version and sends a request id', async () => {
    const balance = await t.stripe.balance.retrieve();
    expect(balance.lastResponse.headers['stripe-version']).toBe(Stripe.API_VERSION);
    expect(balance.lastResponse.requestId).toMatch(/^req_/);
    const pinned = await t.sb.stripe(t.account.secret_key, { apiVersion: '2024-06-20' as Stripe.LatestApiVersion }).balance.retrieve();
    expect(pinned.lastResponse.headers['stripe-version']).toBe('2024-06-20');
  });

  it("answers unknown URLs with Stripe's 404", async () => {
    const response = await fetch(`${t.sb.url}/v1/nothing_here`, { headers: { authorization: `Bearer ${t.account.secret_key}` } });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/nothing_here)');
  });
});
