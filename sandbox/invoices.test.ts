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

/** Where the next events will start, once everything sent so far has arrived. */
async function settledMark(): Promise<number> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
  return receiver.received.length;
}

async function eventsOf(secret: string, from: number): Promise<Stripe.Event[]> {
  expect(await t.sb.waitForDeliveries(10_000)).toBe(true);
  return verifiedEvents(receiver, secret, from);
}

describe('invoices and invoice items', () => {
  it('a one-off invoice: pending items → draft → finalize → pay, lines and payments, events in order', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({ email: 'buyer@example.com' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: 'usd', description: 'Setup fee' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 250, currency: 'usd', description: 'Extra seat' });
    expect((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toHaveLength(2);
    const mark = await settledMark();
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      metadata: { order: 'o-1' },
    });
    expect(draft).toMatchObject({
      status: 'draft',
      billing_reason: 'manual',
      subtotal: 1750,
      total: 1750,
      amount_due: 1750,
      auto_advance: false,
      parent: null,
    });
    expect((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data).toHaveLength(0);
    const lines = await stripe.invoices.listLineItems(draft.id);
    expect(lines.data.map((l) => [l.description, l.amount, l.parent?.type])).toEqual([
      ['Setup fee', 1500, 'invoice_item_details'],
      ['Extra seat', 250, 'invoice_item_details'],
    ]);
    const finalized = await stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
    expect(finalized.status).toBe('open');
    expect(finalized.number).toMatch(/^[A-Z0-9]+-0001$/);
    const paid = await stripe.invoices.pay(draft.id, { payment_method: pm.id });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1750, amount_remaining: 0, attempt_count: 1 });
    const withPayments = await stripe.invoices.retrieve(draft.id, { expand: ['payments'] });
    expect(withPayments.payments?.data[0]).toMatchObject({
      object: 'invoice_payment',
      status: 'paid',
      amount_paid: 1750,
      payment: { type: 'payment_intent' },
    });
    const pi = await stripe.paymentIntents.retrieve(withPayments.payments!.data[0]!.payment.payment_intent as string);
    expect(pi).toMatchObject({ status: 'succeeded', amount: 1750, customer: customer.id });
    const events = await eventsOf(secret, mark);
    expect(events.map((e) => e.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
    ]);
  });

  it('a declined /pay answers 402 and leaves the invoice open; void and mark_uncollectible emit their events', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({ name: 'Decliner' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: 'usd' });
    const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
    await stripe.invoices.finalizeInvoice(invoice.id);
    await expect(stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_chargeDeclined' })).rejects.toMatchObject({
      type: 'StripeCardError',
      code: 'card_declined',
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', attempt_count: 1, attempted: true });
    const mark = await settledMark();
    expect(await stripe.invoices.markUncollectible(invoice.id)).toMatchObject({ status: 'uncollectible' });
    expect(await stripe.invoices.voidInvoice(invoice.id)).toMatchObject({ status: 'void', amount_remaining: 0 });
    // Voiding also cancels the invoice's PaymentIntent.
    expect((await eventsOf(secret, mark)).map((e) => e.type)).toEqual([
      'invoice.marked_uncollectible',
      'payment_intent.canceled',
      'invoice.voided',
    ]);
    await expect(stripe.invoices.pay(invoice.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('send_invoice: finalize with auto_advance sends it (invoice.sent) with a due date; paid out of band', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({ email: 'ap@example.com' });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      auto_advance: true,
    });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 4200, currency: 'usd' });
    const mark = await settledMark();
    const open = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(open.due_date).toBe(open.status_transitions.finalized_at! + 14 * 86400);
    expect(open.amount_due).toBe(4200);
    const paid = await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 4200 });
    expect((await eventsOf(secret, mark)).map((e) => e.type)).toEqual([
      'invoice.finalized',
      'invoice.sent',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });

  it('draft invoices can be updated and deleted (their items go back to pending); unknown ids are 404', async () => {
    const { stripe } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({});
    const invoice = await stripe.invoices.create({ customer: customer.id });
    const item = await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 300, currency: 'usd' });
    expect(await stripe.invoices.update(invoice.id, { description: 'March' })).toMatchObject({ description: 'March', total: 300 });
    await stripe.invoiceItems.update(item.id, { amount: 450 });
    expect((await stripe.invoices.retrieve(invoice.id)).total).toBe(450);
    expect(await stripe.invoices.del(invoice.id)).toMatchObject({ id: invoice.id, deleted: true });
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
    await expect(stripe.invoices.retrieve('in_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(stripe.invoices.create({ customer: customer.id, bogus: 1 } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'bogus',
    });
  });

  it('credit notes: before payment they lower amount_due; after payment they credit the balance, used by the next invoice', async () => {
    const { stripe, secret } = await billingAccount(t, receiver);
    const customer = await stripe.customers.create({});
    await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const invoice = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 5000, currency: 'usd' });
    const open = await stripe.invoices.finalizeInvoice(invoice.id);
    const line = open.lines.data[0]!;
    const pre = await stripe.creditNotes.create({
      invoice: invoice.id,
      lines: [{ type: 'invoice_line_item', invoice_line_item: line.id, amount: 1000 }],
    });
    expect(pre).toMatchObject({ object: 'credit_note', type: 'pre_payment', total: 1000, status: 'issued' });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ amount_due: 4000, pre_payment_credit_notes_amount: 1000 });
    const mark = await settledMark();
    await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });
    const post = await stripe.creditNotes.create({ invoice: invoice.id, amount: 1500, reason: 'product_unsatisfactory' });
    expect(post).toMatchObject({ type: 'post_payment', total: 1500, post_payment_amount: 1500 });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: -1500 });
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 99_999 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'amount',
    });
    const types = (await eventsOf(secret, mark)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['credit_note.created', 'invoice.updated', 'customer.updated']);
    // The credit pays the next invoice first.
    const next = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: next.id, amount: 1000, currency: 'usd' });
    const nextOpen = await stripe.invoices.finalizeInvoice(next.id);
    expect(nextOpen).toMatchObject({ status: 'paid', amount_due: 0, starting_balance: -1500, ending_balance: -500 });
    expect((await stripe.creditNotes.voidCreditNote(pre.id)).status).toBe('void');
  });

  it("pending invoice items ride on the subscription's next invoice", async () => {
    const { stripe } = await billingAccount(t, receiver);
    const { customer } = await payingCustomer(stripe);
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: 'usd', description: 'Onboarding' });
    const price = await monthlyPrice(stripe, 2000);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({ subtotal: 2300, amount_paid: 2300, status: 'paid' });
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBe(invoice.id);
  });
});
