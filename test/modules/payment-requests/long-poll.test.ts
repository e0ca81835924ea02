import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { waitersOf } from '../../../src/modules/payment-requests/long-poll';
import { settle, useSandbox, type BillingWorld, useConnectedWorld, type ConnectedWorld } from '../../invoices/support';
import { ADMIN_TOKEN, responseBody } from '../../support/test-context';
import { expectStatus, requestBody } from './support';

const sandbox = useSandbox();

/** Polls `check` every 10 ms until it holds or 10 s pass. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('long-poll on a payment request, in one process [postgres]', () => {
  const connected = useConnectedWorld(sandbox);
  let world: BillingWorld;
  let account: AccountCredentials;
  let tenantId: string;
  let connectionId: string;
  let api: ConnectedWorld['api'];
  beforeAll(() => ({ world, account, tenantId, connectionId, api } = connected()));

  const waiters = () => waitersOf(world.h.ctx).size();

  it('answers at once when known_status differs from the status (a 60 s wait would outlast the test timeout)', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const answer = await api('GET', `/payment-requests/${created.body.id}?wait=60&known_status=requires_action`);
    expectStatus(answer, 200);
    expect(answer.body.status).toBe('pending');
    expect(waiters().waiters).toBe(0);
  }, 20_000);

  it('answers when the status changes: a poll started before the payment returns the new status', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const polls = [
      api('GET', `/payment-requests/${created.body.id}?wait=60&known_status=pending`),
      api('GET', `/payment-requests/${created.body.id}?wait=60&known_status=pending`),
    ];
    await until(() => waiters().waiters === 2);
    expect(waiters().requests).toBe(1);
    await sandbox().stripe(account.secret_key).paymentIntents.confirm(created.body.payment_intent_id, {
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: 'https://shop.example/b',
    });
    await settle(world, sandbox());
    for (const answer of await Promise.all(polls)) {
      expectStatus(answer, 200);
      expect(answer.body.status).toBe('requires_action');
    }
    expect(waiters()).toEqual({ requests: 0, waiters: 0 });
  }, 20_000);

  it('a signal without a status change keeps the waiter waiting; the next change answers it', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const poll = api('GET', `/payment-requests/${created.body.id}?wait=60&known_status=pending`);
    await until(() => waiters().waiters === 1);
    // A signal for this request without a status change (the stall report): the waiter stays.
    world.h.ctx.bus.emit('payable-changed', { kind: 'payable', tenantId, payableType: 'payment_request', payableId: created.body.id });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waiters().waiters).toBe(1);
    await api('POST', `/payment-requests/${created.body.id}/cancel`);
    expect((await poll).body.status).toBe('canceled');
  }, 20_000);

  it('after wait seconds without a change it answers with the unchanged request', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const answer = await api('GET', `/payment-requests/${created.body.id}?wait=1&known_status=pending`);
    expectStatus(answer, 200);
    expect(answer.body).toMatchObject({ id: created.body.id, status: 'pending' });
    expect(waiters().waiters).toBe(0);
  }, 20_000);

  it('a client that goes away releases its waiter', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const abort = new AbortController();
    const request = world.h.app.request(`/api/v1/tenants/${tenantId}/payment-requests/${created.body.id}?wait=60&known_status=pending`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: abort.signal,
    });
    await until(() => waiters().waiters === 1);
    abort.abort();
    await until(() => waiters().waiters === 0);
    await Promise.resolve(request).then(responseBody, () => undefined);
    expect(waiters()).toEqual({ requests: 0, waiters: 0 });
  }, 20_000);
});
