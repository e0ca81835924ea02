import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { settle, useSandbox, type BillingWorld, useConnectedWorld, type ConnectedWorld } from '../../invoices/support';
import { eventTypes, expectStatus, requestBody } from './support';

const sandbox = useSandbox();

describe('a payment request whose card was declined, retried with another card on the same intent [postgres]', () => {
  const connected = useConnectedWorld(sandbox);
  let world: BillingWorld;
  let account: AccountCredentials;
  let tenantId: string;
  let connectionId: string;
  let api: ConnectedWorld['api'];
  beforeAll(() => ({ world, account, tenantId, connectionId, api } = connected()));

  it('pending → failed (declined) → pending (another card) → succeeded, with the domain event of each step', async () => {
    const stripe = sandbox().stripe(account.secret_key);
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    expectStatus(created, 201);
    const id: string = created.body.id;
    const intentId: string = created.body.payment_intent_id;
    expect(created.body.status).toBe('pending');

    await expect(stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_chargeDeclined' })).rejects.toMatchObject({
      code: 'card_declined',
    });
    await settle(world, sandbox());
    const failed = await api('GET', `/payment-requests/${id}`);
    expect(failed.body).toMatchObject({ status: 'failed', failure: expect.stringContaining('card_declined') });

    // The customer gives another card: the intent waits for confirmation again. Stripe sends no event
    // for that, so the customer's return page asks with refresh=true.
    const retried = await stripe.paymentIntents.update(intentId, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('requires_confirmation');
    const pending = await api('GET', `/payment-requests/${id}?refresh=true`);
    expect(pending.body).toMatchObject({ status: 'pending', payment_intent_id: intentId });

    const paid = await stripe.paymentIntents.confirm(intentId);
    expect(paid.status).toBe('succeeded');
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body).toMatchObject({ status: 'succeeded', payment_intent_id: intentId });

    expect(await eventTypes(world, tenantId, id)).toEqual([
      'payment_request.created',
      'payment_request.failed',
      'payment_request.pending',
      'payment_request.succeeded',
    ]);
  });
});
