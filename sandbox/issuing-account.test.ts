import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { controlPost } from './testing/control-client';
import { useSignedEvents } from './testing/signed-events';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const signed = useSignedEvents(t);

beforeEach(() => signed.clear());

const billing = { address: { line1: '1 Main St', city: 'San Francisco', state: 'CA', postal_code: '94111', country: 'US' } };

describe('issuing', () => {
  it('cardholders: create, update, retrieve, list, with issuing_cardholder.created/updated', async () => {
    const holder = await t.stripe.issuing.cardholders.create({
      name: 'Jenny Rosen',
      email: 'jenny@example.com',
      phone_number: '+18008675309',
      type: 'individual',
      individual: { first_name: 'Jenny', last_name: 'Rosen' },
      billing,
      spending_controls: { spending_limits: [{ amount: 50000, interval: 'monthly' }] },
    });
    expect(holder).toMatchObject({
      object: 'issuing.cardholder',
      status: 'active',
      billing: { address: { city: 'San Francisco', line2: null } },
      spending_controls: { spending_limits: [{ amount: 50000, interval: 'monthly', categories: null }] },
    });
    const updated = await t.stripe.issuing.cardholders.update(holder.id, { status: 'inactive', metadata: { team: 'ops' } });
    expect(updated).toMatchObject({ status: 'inactive', metadata: { team: 'ops' } });
    expect((await t.stripe.issuing.cardholders.retrieve(holder.id)).status).toBe('inactive');
    expect((await t.stripe.issuing.cardholders.list({ email: 'jenny@example.com' })).data.map((h) => h.id)).toEqual([holder.id]);
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual(['issuing_cardholder.created', 'issuing_cardholder.updated']);
    expect(events[1]!.data.previous_attributes).toEqual({ status: 'active', metadata: { team: null } });
    await expect(
      t.stripe.issuing.cardholders.create({ name: 'No Billing' } as Stripe.Issuing.CardholderCreateParams),
    ).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'billing',
    });
  });

  it('cards: virtual and physical, activate and cancel, with issuing_card.created/updated; canceled stays canceled', async () => {
    const holder = await t.stripe.issuing.cardholders.create({ name: 'Card Holder', billing });
    await signed.clear();
    const card = await t.stripe.issuing.cards.create({ cardholder: holder.id, currency: 'usd', type: 'virtual' });
    expect(card).toMatchObject({
      object: 'issuing.card',
      status: 'inactive',
      type: 'virtual',
      brand: 'Visa',
      cardholder: { id: holder.id },
    });
    expect(card.last4).toMatch(/^\d{4}$/);
    const active = await t.stripe.issuing.cards.update(card.id, { status: 'active' });
    expect(active.status).toBe('active');
    const canceled = await t.stripe.issuing.cards.update(card.id, { status: 'canceled', cancellation_reason: 'lost' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'lost' });
    await expect(t.stripe.issuing.cards.update(card.id, { status: 'active' })).rejects.toMatchObject({ statusCode: 400, param: 'status' });
    await expect(t.stripe.issuing.cards.create({ cardholder: holder.id, currency: 'usd', type: 'physical' })).rejects.toMatchObject({
      param: 'shipping',
    });
    const physical = await t.stripe.issuing.cards.create({
      cardholder: holder.id,
      currency: 'usd',
      type: 'physical',
      status: 'active',
      shipping: { name: 'Card Holder', address: billing.address },
    });
    expect(physical.shipping).toMatchObject({ name: 'Card Holder', status: 'pending' });
    expect((await t.stripe.issuing.cards.list({ cardholder: holder.id, type: 'virtual' })).data.map((c) => c.id)).toEqual([card.id]);
    expect((await t.stripe.issuing.cards.retrieve(physical.id)).status).toBe('active');
    expect(await signed.types()).toEqual(['issuing_card.created', 'issuing_card.updated', 'issuing_card.updated', 'issuing_card.created']);
  });
});

describe('account', () => {
  it('the control API switches charges/payouts and requirements; each change is a signed account.updated', async () => {
    const { status, body } = await controlPost<Stripe.Account>(t.sb.url, `/_sandbox/accounts/${t.account.id}/settings`, {
      charges_enabled: false,
      requirements: { currently_due: ['external_account'], disabled_reason: 'requirements.past_due' },
      capabilities: { card_payments: 'inactive' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ charges_enabled: false, payouts_enabled: true, capabilities: { card_payments: 'inactive' } });
    const account = await t.stripe.accounts.retrieveCurrent();
    expect(account).toMatchObject({
      charges_enabled: false,
      requirements: { currently_due: ['external_account'], eventually_due: ['external_account'], disabled_reason: 'requirements.past_due' },
    });
    await controlPost(t.sb.url, `/_sandbox/accounts/${t.account.id}/settings`, { charges_enabled: true, payouts_enabled: false });
    const events = await signed.events();
    expect(events.map((e) => e.type)).toEqual(['account.updated', 'account.updated']);
    expect(events[0]!.data.previous_attributes).toMatchObject({ charges_enabled: true, capabilities: { card_payments: 'active' } });
    expect(events[1]!.data.previous_attributes).toEqual({ charges_enabled: false, payouts_enabled: true });
    const unknown = await controlPost(t.sb.url, `/_sandbox/accounts/${t.account.id}/settings`, { colour: 'red' });
    expect(unknown.status).toBe(400);
  });
});
