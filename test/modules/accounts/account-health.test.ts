import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN } from '../../support/test-context';
import { createTenant, sandboxControl, settle, useConnectedWorld, useSandbox, type BillingWorld } from '../../invoices/support';

const sandbox = useSandbox();

describe('account health from account.updated; issuing and payment method updates kept for the record', () => {
  // Every delivery arrives twice.
  const connected = useConnectedWorld(sandbox, { duplicate_rate: 1 });
  let world: BillingWorld;
  let account: AccountCredentials;
  let stripe: Stripe;
  let tenantId: string;
  let connectionId: string;
  beforeAll(() => ({ world, account, stripe, tenantId, connectionId } = connected()));

  const api = (method: string, path: string) => connected().api(method, path);
  const attentionEvents = () =>
    world.h.ctx.store.db
      .selectFrom('domain_events')
      .select('snapshot')
      .where('type', '=', 'connection.needs_attention')
      .where('object_id', '=', connectionId)
      .execute();

  it('charges disabled: needs_attention with the reason and requirements, once; re-enabled: cleared', async () => {
    const deadline = Math.floor(Date.now() / 1000) + 7 * 86_400;
    await sandboxControl(sandbox(), `/accounts/${account.id}/settings`, {
      charges_enabled: false,
      requirements: {
        currently_due: ['external_account', 'individual.id_number'],
        disabled_reason: 'requirements.past_due',
        current_deadline: deadline,
      },
    });
    await settle(world, sandbox());
    let connection = (await api('GET', `/connections/${connectionId}`)).body;
    expect(connection.status).toBe('needs_attention');
    const reason = connection.status_reasons.find((r: string) => r.startsWith('account_charges_disabled'));
    expect(reason).toContain('requirements.past_due');
    expect(reason).toContain('external_account, individual.id_number');
    expect(connection.account_status).toMatchObject({
      charges_enabled: false,
      requirements_currently_due: ['external_account', 'individual.id_number'],
      requirements_deadline: new Date(deadline * 1000).toISOString(),
    });
    expect(await attentionEvents()).toHaveLength(1);

    const browser = new DashboardClient(world.h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const page = await browser.get(`/dashboard/tenants/${tenantId}/connections/${connectionId}`);
    expect(page.text).toContain('Stripe disabled charges');

    await sandboxControl(sandbox(), `/accounts/${account.id}/settings`, {
      charges_enabled: true,
      requirements: { currently_due: [], disabled_reason: null, current_deadline: null },
    });
    await settle(world, sandbox());
    connection = (await api('GET', `/connections/${connectionId}`)).body;
    expect(connection.status).toBe('active');
    expect(connection.status_reasons).toEqual([]);
    expect(connection.account_status).toMatchObject({ charges_enabled: true, requirements_currently_due: [] });
    expect(await attentionEvents()).toHaveLength(1);
  });

  it('issuing card, cardholder and automatically updated payment method: stored, summarised in the event log, found by id', async () => {
    const holder = await stripe.issuing.cardholders.create({
      name: 'Jenny Rosen',
      type: 'individual',
      billing: { address: { line1: '1 Main St', city: 'Dublin', postal_code: 'D01', country: 'IE' } },
    });
    const card = await stripe.issuing.cards.create({ cardholder: holder.id, currency: 'usd', type: 'virtual' });
    await stripe.issuing.cards.update(card.id, { status: 'active' });
    await stripe.issuing.cardholders.update(holder.id, { status: 'inactive' });
    const customer = await stripe.customers.create({ name: 'wallet' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await sandboxControl(sandbox(), `/payment_methods/${pm.id}/automatically_update`, { exp_month: 3, exp_year: 2034 });
    await settle(world, sandbox());

    const events = (await api('GET', '/events?limit=100')).body.data as { type: string; status: string; status_reason: string | null }[];
    const reasonOf = (type: string) => events.find((e) => e.type === type && e.status === 'processed')?.status_reason;
    expect(reasonOf('issuing_card.updated')).toBe(
      `issuing card ${card.id} ${card.brand} •••• ${card.last4} is active, expires ${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`,
    );
    expect(reasonOf('issuing_cardholder.updated')).toBe(`cardholder ${holder.id} Jenny Rosen is inactive`);
    expect(reasonOf('payment_method.automatically_updated')).toBe(
      `payment method ${pm.id} updated by the card network: visa •••• 4242, expires 03/2034`,
    );

    const stored = await api('GET', `/connections/${connectionId}/objects/${card.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id: card.id, object_type: 'issuing.card', data: { status: 'active' } });
    expect(stored.body.summary).toContain('is active');
    expect((await api('GET', `/connections/${connectionId}/objects/${pm.id}`)).body.data.card).toMatchObject({
      exp_month: 3,
      exp_year: 2034,
    });
    expect((await api('GET', `/connections/${connectionId}/objects/ic_unknown`)).status).toBe(404);
    const other = await createTenant(world.h, 'Other');
    expect((await world.h.api('GET', `/api/v1/tenants/${other}/connections/${connectionId}/objects/${card.id}`)).status).toBe(404);
  });
});
