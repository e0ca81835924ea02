import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { eventTypesSince, latestEventId } from './testing/event-helpers';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();

async function linkForInvoice(): Promise<Stripe.PaymentLink> {
  return t.stripe.paymentLinks.create({
    line_items: [
      {
        price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: 'Invoice INV-1' } },
        quantity: 2,
      } as unknown as Stripe.PaymentLinkCreateParams.LineItem,
    ],
    metadata: { invoice_id: 'inv_1', customer_id: 'c_1' },
    payment_intent_data: { metadata: { invoice_id: 'inv_1' } },
    after_completion: { type: 'redirect', redirect: { url: 'https://platform.example/paid' } },
  });
}

describe('payment links', () => {
  it('create (price or price_data), retrieve, list, line_items, update active, payment_link.* events', async () => {
    const product = await t.stripe.products.create({ name: 'Seat' });
    const price = await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1200 });
    const byPrice = await t.stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 3 }] });
    expect(byPrice).toMatchObject({ object: 'payment_link', active: true, currency: 'usd', url: `${t.sb.url}/pay/${byPrice.id}` });
    const items = await t.stripe.paymentLinks.listLineItems(byPrice.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ object: 'item', quantity: 3, amount_total: 3600, description: 'Seat', price: { id: price.id } });
    const link = await linkForInvoice();
    expect(link.payment_intent_data?.metadata).toEqual({ invoice_id: 'inv_1' });
    expect(link.after_completion).toEqual({ type: 'redirect', redirect: { url: 'https://platform.example/paid' } });
    expect((await t.stripe.paymentLinks.retrieve(link.id, { expand: ['line_items'] })).line_items?.data[0]).toMatchObject({
      amount_total: 4000,
    });
    const off = await t.stripe.paymentLinks.update(link.id, { active: false });
    expect(off.active).toBe(false);
    expect((await t.stripe.paymentLinks.list({ active: false })).data.map((l) => l.id)).toContain(link.id);
    const types = (await t.stripe.events.list({ types: ['payment_link.created', 'payment_link.updated'], limit: 100 })).data
      .filter((e) => (e.data.object as Stripe.PaymentLink).id === link.id)
      .map((e) => e.type);
    expect(types).toEqual(['payment_link.updated', 'payment_link.created']);
    const refused = await controlPost(t.sb.url, `/_sandbox/payment_links/${link.id}/pay`, { card: '4242424242424242' });
    expect(refused.status).toBe(400);
  });

  it('paying a link completes a session: the events Stripe sends and the state they carry', async () => {
    const link = await linkForInvoice();
    const mark = await latestEventId(t.stripe);
    const { status, body: session } = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/payment_links/${link.id}/pay`, {
      card: '4242424242424242',
      email: 'buyer@example.com',
    });
    expect(status).toBe(200);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 4000,
      currency: 'usd',
      payment_link: link.id,
    });
    const events = await eventTypesSince(t.stripe, mark);
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const completed = events[3]!.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({
      id: session.id,
      payment_status: 'paid',
      amount_total: 4000,
      currency: 'usd',
      payment_link: link.id,
      metadata: { invoice_id: 'inv_1', customer_id: 'c_1' },
      customer_details: { email: 'buyer@example.com' },
    });
    const pi = await t.stripe.paymentIntents.retrieve(completed.payment_intent as string);
    expect(pi).toMatchObject({ status: 'succeeded', amount: 4000, metadata: { invoice_id: 'inv_1' } });
    expect((events[2]!.data.object as Stripe.PaymentIntent).metadata).toEqual({ invoice_id: 'inv_1' });
    const listed = await t.stripe.checkout.sessions.list({ payment_link: link.id, expand: ['data.payment_intent'] });
    expect((listed.data[0]!.payment_intent as Stripe.PaymentIntent).status).toBe('succeeded');
  });

  it('restrictions.completed_sessions deactivates the link at its limit', async () => {
    const price = await t.stripe.prices.create({ product_data: { name: 'Once' }, currency: 'usd', unit_amount: 500 });
    const link = await t.stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 1 }],
      restrictions: { completed_sessions: { limit: 1 } },
    });
    await controlPost(t.sb.url, `/_sandbox/payment_links/${link.id}/pay`, { card: '4242424242424242' });
    expect(await t.stripe.paymentLinks.retrieve(link.id)).toMatchObject({
      active: false,
      restrictions: { completed_sessions: { count: 1, limit: 1 } },
    });
  });
});

describe('checkout sessions', () => {
  async function session(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}): Promise<Stripe.Checkout.Session> {
    return t.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 1500, product_data: { name: 'Top-up' } }, quantity: 1 }],
      success_url: 'https://app.example/success?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example/cancel',
      metadata: { topup: 'tp_1' },
      payment_intent_data: { metadata: { topup: 'tp_1' } },
      ...extra,
    });
  }

  it('create, retrieve, list, line_items, expand', async () => {
    const created = await session({ client_reference_id: 'ref-9' });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^cs_test_/),
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 1500,
      url: `${t.sb.url}/checkout/${created.id}`,
      client_reference_id: 'ref-9',
      payment_intent: null,
    });
    expect((await t.stripe.checkout.sessions.retrieve(created.id)).id).toBe(created.id);
    const items = await t.stripe.checkout.sessions.listLineItems(created.id);
    expect(items.data[0]).toMatchObject({ object: 'item', amount_total: 1500, description: 'Top-up' });
    const expanded = await t.stripe.checkout.sessions.retrieve(created.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data).toHaveLength(1);
    expect((await t.stripe.checkout.sessions.list({ status: 'open', limit: 100 })).data.map((s) => s.id)).toContain(created.id);
    await expect(t.stripe.checkout.sessions.retrieve(created.id, { expand: ['amount_total'] })).rejects.toThrow(/cannot be expanded/);
  });

  it('a declined card leaves the session open; a good card then completes it', async () => {
    const created = await session();
    const mark = await latestEventId(t.stripe);
    const declined = await controlPost<{ error: { code: string; type: string } }>(
      t.sb.url,
      `/_sandbox/checkout/sessions/${created.id}/pay`,
      { card: '4000000000000002' },
    );
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ type: 'card_error', code: 'card_declined' });
    expect(await t.stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    expect((await eventTypesSince(t.stripe, mark)).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    const paid = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/checkout/sessions/${created.id}/pay`, {
      card: '4242424242424242',
    });
    expect(paid.body).toMatchObject({ status: 'complete', payment_status: 'paid' });
  });

  it('3-D Secure: requires_action, then the control API confirms and the session completes', async () => {
    const created = await session();
    const mark = await latestEventId(t.stripe);
    const pending = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/checkout/sessions/${created.id}/pay`, {
      card: '4000002500003155',
    });
    expect(pending.body).toMatchObject({ status: 'open' });
    const piId = pending.body.payment_intent as string;
    await controlPost(t.sb.url, `/_sandbox/payment_intents/${piId}/confirm_3ds`);
    expect(await t.stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect((await eventTypesSince(t.stripe, mark)).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
  });

  it('async payment: completed unpaid, then async_payment_succeeded (or _failed)', async () => {
    const created = await session();
    const mark = await latestEventId(t.stripe);
    const paid = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/checkout/sessions/${created.id}/pay`, {
      card: '4242424242424242',
      async: true,
    });
    expect(paid.body).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await controlPost(t.sb.url, `/_sandbox/payment_intents/${paid.body.payment_intent as string}/settle`, { outcome: 'succeeded' });
    const events = await eventTypesSince(t.stripe, mark);
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.pending',
      'payment_intent.processing',
      'checkout.session.completed',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.async_payment_succeeded',
    ]);
    expect((events[3]!.data.object as Stripe.Checkout.Session).payment_status).toBe('unpaid');
    expect((events[6]!.data.object as Stripe.Checkout.Session).payment_status).toBe('paid');

    const failing = await session();
    const mark2 = await latestEventId(t.stripe);
    const pending = await controlPost<Stripe.Checkout.Session>(t.sb.url, `/_sandbox/checkout/sessions/${failing.id}/pay`, { async: true });
    await controlPost(t.sb.url, `/_sandbox/payment_intents/${pending.body.payment_intent as string}/settle`, { outcome: 'failed' });
    expect((await eventTypesSince(t.stripe, mark2)).map((e) => e.type).slice(-3)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'checkout.session.async_payment_failed',
    ]);
  });

  it('expires through the API and through the sandbox clock (checkout.session.expired)', async () => {
    const viaApi = await session();
    const expired = await t.stripe.checkout.sessions.expire(viaApi.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await expect(t.stripe.checkout.sessions.expire(viaApi.id)).rejects.toThrow(/open/);
    const viaClock = await session();
    await controlPost(t.sb.url, '/_sandbox/clock/advance', { seconds: 24 * 3600 + 1 });
    expect((await t.stripe.checkout.sessions.retrieve(viaClock.id)).status).toBe('expired');
    const expiredIds = (await t.stripe.events.list({ type: 'checkout.session.expired', limit: 100 })).data.map(
      (e) => (e.data.object as Stripe.Checkout.Session).id,
    );
    expect(expiredIds).toEqual(expect.arrayContaining([viaApi.id, viaClock.id]));
  });
});

describe('hosted pages', () => {
  it('GET /pay/:id shows a card form; submitting pays and redirects to the success URL', async () => {
    const link = await linkForInvoice();
    const page = await fetch(`${t.sb.url}/pay/${link.id}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('name="card"');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!platform)/);
    const paid = await fetch(`${t.sb.url}/pay/${link.id}`, {
      method: 'POST',
      body: new URLSearchParams({ card: '4242424242424242', email: 'h@example.com' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('https://platform.example/paid');
    const sessions = await t.stripe.checkout.sessions.list({ payment_link: link.id });
    expect(sessions.data[0]).toMatchObject({ status: 'complete', payment_status: 'paid' });
  });

  it('GET /checkout/:id pays a session, with the decline shown and {CHECKOUT_SESSION_ID} filled in', async () => {
    const created = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'Pack' } }, quantity: 1 }],
      success_url: 'https://app.example/ok?cs={CHECKOUT_SESSION_ID}',
    });
    expect((await fetch(created.url!)).status).toBe(200);
    const declined = await fetch(created.url!, {
      method: 'POST',
      body: new URLSearchParams({ card: '4000000000000002' }),
      redirect: 'manual',
    });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    const paid = await fetch(created.url!, {
      method: 'POST',
      body: new URLSearchParams({ card: '4242 4242 4242 4242' }),
      redirect: 'manual',
    });
    expect(paid.headers.get('location')).toBe(`https://app.example/ok?cs=${created.id}`);
  });
});
