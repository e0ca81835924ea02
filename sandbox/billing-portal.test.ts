import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingAccount, monthlyPrice, payingCustomer, verifiedEvents } from './testing/billing-fixture';
import { useSandbox } from './testing/use-sandbox';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const t = useSandbox();
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

async function settledMark(): Promise<number> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
  return receiver.received.length;
}

/** Submits one of the portal page's forms as a browser would (urlencoded, no redirect following). */
async function submit(url: string, action: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${url}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('billing portal', () => {
  it('configurations and sessions: a session returns a portal URL for the customer', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const config = await stripe.billingPortal.configurations.create({
      business_profile: { headline: 'Acme billing' },
      features: { subscription_cancel: { enabled: true, mode: 'immediately' }, invoice_history: { enabled: true } },
    });
    expect(config).toMatchObject({
      object: 'billing_portal.configuration',
      active: true,
      is_default: false,
      features: { subscription_cancel: { mode: 'immediately' } },
    });
    const customer = await stripe.customers.create({});
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: config.id,
      return_url: 'https://platform.example/account',
    });
    expect(session).toMatchObject({
      object: 'billing_portal.session',
      customer: customer.id,
      configuration: config.id,
      return_url: 'https://platform.example/account',
    });
    expect(session.url.startsWith(`${t.sb.url}/billing_portal/`)).toBe(true);
    expect((await fetch(session.url)).status).toBe(200);
    expect((await fetch(`${t.sb.url}/billing_portal/${session.id}`)).status).toBe(404);
    const fallback = await stripe.billingPortal.sessions.create({ customer: customer.id });
    expect((await stripe.billingPortal.configurations.retrieve(fallback.configuration as string)).is_default).toBe(true);
    await expect(stripe.billingPortal.sessions.create({ customer: 'cus_missing' })).rejects.toMatchObject({
      statusCode: 404,
      param: 'customer',
    });
  });

  it('on the page the customer switches plan, updates the card and cancels at period end, with the events Stripe sends', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const { customer } = await payingCustomer(stripe);
    const basic = await monthlyPrice(stripe, 1000, 'Basic');
    const pro = await monthlyPrice(stripe, 3000, 'Pro');
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: basic.id }] });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id });
    const html = await (await fetch(session.url)).text();
    expect(html).toContain(pro.id);
    const mark = await settledMark();
    expect((await submit(session.url, 'switch', { subscription: sub.id, price: pro.id })).status).toBe(303);
    expect((await submit(session.url, 'card', { card: '5555555555554444' })).status).toBe(303);
    expect((await submit(session.url, 'cancel', { subscription: sub.id })).status).toBe(303);
    expect((await submit(session.url, 'switch', { subscription: sub.id, price: 'price_unknown' })).status).toBe(400);
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after).toMatchObject({ status: 'active', cancel_at_period_end: true, items: { data: [{ price: { id: pro.id } }] } });
    const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    const card = await stripe.paymentMethods.retrieve(updated.invoice_settings.default_payment_method as string);
    expect(card.card?.last4).toBe('4444');
    await settledMark();
    const events = verifiedEvents(receiver, secret, mark);
    expect(events.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'payment_method.attached',
      'customer.updated',
      'customer.subscription.updated',
    ]);
    expect(events[3]!.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
  });
});
