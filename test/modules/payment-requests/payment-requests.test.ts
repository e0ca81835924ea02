import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { reportStalledPaymentRequests } from '../../../src/modules/payment-requests/stall-check';
import { EventWorker } from '../../../src/webhooks/worker';
import {
  createTenant,
  sandboxControl,
  settle,
  useSandbox,
  type BillingWorld,
  useConnectedWorld,
  type ConnectedWorld,
} from '../../invoices/support';
import { control, eventTypes, expectStatus, requestBody, THREE_DS_CARD } from './support';

const sandbox = useSandbox();

describe('payment requests against the sandbox, through the SDK [postgres]', () => {
  const connected = useConnectedWorld(sandbox);
  let world: BillingWorld;
  let account: AccountCredentials;
  let tenantId: string;
  let connectionId: string;
  let api: ConnectedWorld['api'];
  beforeAll(() => ({ world, account, tenantId, connectionId, api } = connected()));

  const stripe = () => sandbox().stripe(account.secret_key);

  it('payment_intent with a 3-D Secure card: pending → requires_action → succeeded; the client secret is shown once', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId, { flow_id: 'conv_42', description: 'Pizza' }));
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ status: 'pending', method: 'payment_intent', amount: 2500, currency: 'USD', flow_id: 'conv_42' });
    expect(created.body.client_secret).toMatch(/^pi_.+_secret_/);
    const id: string = created.body.id;
    const intentId: string = created.body.payment_intent_id;
    const intent = await stripe().paymentIntents.retrieve(intentId);
    expect(intent.metadata).toMatchObject({
      paybridge_payable_type: 'payment_request',
      paybridge_payable_id: id,
      paybridge_tenant_id: tenantId,
    });

    // The customer's app confirms with the client secret's intent; the card asks for 3-D Secure.
    const confirmed = await stripe().paymentIntents.confirm(intentId, {
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: 'https://shop.example/back',
    });
    expect(confirmed.status).toBe('requires_action');
    await settle(world, sandbox());
    const waiting = await api('GET', `/payment-requests/${id}`);
    expect(waiting.body.status).toBe('requires_action');
    expect(waiting.body.client_secret).toBeUndefined();

    // The customer authenticates on the bank's page.
    expectStatus(await control(sandbox(), `/payment_intents/${intentId}/confirm_3ds`), 200);
    await settle(world, sandbox());
    const paid = await api('GET', `/payment-requests/${id}`);
    expect(paid.body).toMatchObject({ status: 'succeeded', payment_intent_id: intentId, overpaid: false });
    expect(paid.body.charge_id).toMatch(/^ch_/);
    expect(await eventTypes(world, tenantId, id)).toEqual([
      'payment_request.created',
      'payment_request.requires_action',
      'payment_request.succeeded',
    ]);
    // Lists never carry the secret, and no log line does either.
    const listed = await api('GET', '/payment-requests?flow_id=conv_42');
    expect(listed.body.data.map((r: any) => r.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain('_secret_');
    expect(world.h.logLines.join('\n')).not.toContain(created.body.client_secret);
  });

  it('payment_link: a single-use Checkout Session paid with a 3-D Secure card goes requires_action → succeeded', async () => {
    const created = await api(
      'POST',
      '/payment-requests',
      requestBody(connectionId, { method: 'payment_link', return_url: 'https://shop.example/r' }),
    );
    expectStatus(created, 201);
    expect(created.body.url).toMatch(/\/checkout\//);
    expect(created.body.client_secret).toBeUndefined();
    const id: string = created.body.id;
    const session = await control(sandbox(), `/checkout/sessions/${created.body.checkout_session_id}/pay`, { card: THREE_DS_CARD });
    expectStatus(session, 200);
    await settle(world, sandbox());
    const waiting = await api('GET', `/payment-requests/${id}`);
    expect(waiting.body).toMatchObject({ status: 'requires_action', payment_intent_id: session.body.payment_intent });
    await control(sandbox(), `/payment_intents/${session.body.payment_intent}/confirm_3ds`);
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body.status).toBe('succeeded');
    // A second try on the completed session is refused by Stripe itself.
    expect((await control(sandbox(), `/checkout/sessions/${created.body.checkout_session_id}/pay`)).status).toBe(400);
    expect((await eventTypes(world, tenantId, id)).filter((t) => t === 'payment_request.succeeded')).toHaveLength(1);
  });

  it('a declined card makes the request failed; the customer retries and it moves on to succeeded', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const id: string = created.body.id;
    const intentId: string = created.body.payment_intent_id;
    await expect(stripe().paymentIntents.confirm(intentId, { payment_method: 'pm_card_chargeDeclined' })).rejects.toMatchObject({
      code: 'card_declined',
    });
    await settle(world, sandbox());
    const failed = await api('GET', `/payment-requests/${id}`);
    expect(failed.body.status).toBe('failed');
    expect(failed.body.failure).toContain('card_declined');

    // Failed is not final: the retry needs 3-D Secure, then succeeds.
    await stripe().paymentIntents.confirm(intentId, {
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: 'https://shop.example/b',
    });
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body.status).toBe('requires_action');
    await control(sandbox(), `/payment_intents/${intentId}/confirm_3ds`);
    await settle(world, sandbox());
    const paid = await api('GET', `/payment-requests/${id}`);
    expect(paid.body).toMatchObject({ status: 'succeeded', failure: null });
    expect(await eventTypes(world, tenantId, id)).toEqual([
      'payment_request.created',
      'payment_request.failed',
      'payment_request.requires_action',
      'payment_request.succeeded',
    ]);
  });

  it('a second payment for a paid payment_link request is recorded, flagged overpaid and sent as an event', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId, { method: 'payment_link' }));
    const id: string = created.body.id;
    const paid = await control(sandbox(), `/checkout/sessions/${created.body.checkout_session_id}/pay`);
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body).toMatchObject({ status: 'succeeded', overpaid: false });
    // A payment that got through another way (a second tab, an old link copied elsewhere) for the same request.
    const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'payment_request', paybridge_payable_id: id };
    await sandboxControl(sandbox(), '/events', {
      account: account.id,
      type: 'payment_intent.succeeded',
      object: {
        id: 'pi_SecondForRequest01',
        object: 'payment_intent',
        status: 'succeeded',
        amount: 2500,
        amount_received: 2500,
        currency: 'usd',
        metadata,
      },
    });
    await settle(world, sandbox());
    const flagged = await api('GET', `/payment-requests/${id}`);
    expect(flagged.body).toMatchObject({ status: 'succeeded', overpaid: true, payment_intent_id: paid.body.payment_intent });
    expect((await eventTypes(world, tenantId, id)).slice(-2)).toEqual(['payment_request.succeeded', 'payment_request.overpaid']);
  });

  it('cancel: cancels the payment intent in Stripe, is idempotent, and a late event does not change it', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const id: string = created.body.id;
    const canceled = await api('POST', `/payment-requests/${id}/cancel`);
    expectStatus(canceled, 200);
    expect(canceled.body.status).toBe('canceled');
    expect((await stripe().paymentIntents.retrieve(created.body.payment_intent_id)).status).toBe('canceled');
    expect((await api('POST', `/payment-requests/${id}/cancel`)).body.status).toBe('canceled');
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body.status).toBe('canceled');
    expect((await eventTypes(world, tenantId, id)).filter((t) => t === 'payment_request.canceled')).toHaveLength(1);
  });

  it('cancel of a payment_link request expires its session; a succeeded request cannot be canceled', async () => {
    const link = await api('POST', '/payment-requests', requestBody(connectionId, { method: 'payment_link' }));
    expectStatus(await api('POST', `/payment-requests/${link.body.id}/cancel`), 200);
    expect((await stripe().checkout.sessions.retrieve(link.body.checkout_session_id)).status).toBe('expired');
    await settle(world, sandbox());
    // The session's expiry event arrives after the cancel: canceled is final, it stays.
    expect((await api('GET', `/payment-requests/${link.body.id}`)).body.status).toBe('canceled');

    const paid = await api('POST', '/payment-requests', requestBody(connectionId, { method: 'payment_link' }));
    await control(sandbox(), `/checkout/sessions/${paid.body.checkout_session_id}/pay`);
    await settle(world, sandbox());
    const refused = await api('POST', `/payment-requests/${paid.body.id}/cancel`);
    expectStatus(refused, 409);
    expect(refused.body.error).toMatchObject({ code: 'payment_request_final' });
    expect(refused.body.error.message).toMatch(/succeeded.*Refund/);
  });

  it('a payment_link request whose session expires is expired, and stays so', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId, { method: 'payment_link' }));
    expectStatus(await control(sandbox(), `/checkout/sessions/${created.body.checkout_session_id}/expire`), 200);
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${created.body.id}`)).body.status).toBe('expired');
    expect(await eventTypes(world, tenantId, created.body.id)).toEqual(['payment_request.created', 'payment_request.expired']);
    const late = await api('POST', `/payment-requests/${created.body.id}/cancel`);
    expectStatus(late, 409);
  });

  it('?refresh=true reads Stripe before answering and agrees with what the worker applies later', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const id: string = created.body.id;
    const intentId: string = created.body.payment_intent_id;
    await stripe().paymentIntents.confirm(intentId, {
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: 'https://shop.example/b',
    });
    // No event processed yet: without refresh the request is still pending.
    expect((await api('GET', `/payment-requests/${id}`)).body.status).toBe('pending');
    expect((await api('GET', `/payment-requests/${id}?refresh=true`)).body.status).toBe('requires_action');
    await control(sandbox(), `/payment_intents/${intentId}/confirm_3ds`);
    const refreshed = await api('GET', `/payment-requests/${id}?refresh=true`);
    expect(refreshed.body).toMatchObject({ status: 'succeeded', payment_intent_id: intentId });
    expect(refreshed.body.charge_id).toMatch(/^ch_/);
    // The webhooks arrive afterwards: the same payment, nothing applied twice.
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${id}`)).body.status).toBe('succeeded');
    expect(await eventTypes(world, tenantId, id)).toEqual([
      'payment_request.created',
      'payment_request.requires_action',
      'payment_request.succeeded',
    ]);
  });

  it('shuffled and duplicated deliveries with two workers: each request ends succeeded once, never regressing', async () => {
    const requests = await Promise.all(Array.from({ length: 4 }, () => api('POST', '/payment-requests', requestBody(connectionId))));
    await sandboxControl(sandbox(), '/chaos', { shuffle: true, duplicate_rate: 0.6, delay_ms: 20 });
    try {
      for (const request of requests) {
        await stripe().paymentIntents.confirm(request.body.payment_intent_id, {
          payment_method: 'pm_card_threeDSecure2Required',
          return_url: 'https://shop.example/b',
        });
        await control(sandbox(), `/payment_intents/${request.body.payment_intent_id}/confirm_3ds`);
      }
      expect(await sandbox().waitForDeliveries(20_000)).toBe(true);
      const second = new EventWorker(world.h.ctx, { retry: { baseMs: 10, maxMs: 50, maxAttempts: 5 } });
      await Promise.all([world.worker.drain(), second.drain()]);
    } finally {
      await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    }
    // The chaos really happened: some events of these payments were delivered more than once.
    const intents = new Set(requests.map((request) => request.body.payment_intent_id as string));
    const duplicated = sandbox()
      .deliveries()
      .filter((record) => record.account === account.id && record.attempts.some((attempt) => attempt.duplicate));
    expect(duplicated.length).toBeGreaterThan(0);
    expect(intents.size).toBe(requests.length);
    for (const request of requests) {
      expect((await api('GET', `/payment-requests/${request.body.id}`)).body.status).toBe('succeeded');
      const types = await eventTypes(world, tenantId, request.body.id);
      expect(types.filter((t) => t === 'payment_request.succeeded')).toHaveLength(1);
      // Nothing after success: a late requires_action never takes it back.
      expect(types.at(-1)).toBe('payment_request.succeeded');
    }
    // A requires_action event delivered again long after the success changes nothing.
    const first = requests[0]!.body;
    const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'payment_request', paybridge_payable_id: first.id };
    await sandboxControl(sandbox(), '/events', {
      account: account.id,
      type: 'payment_intent.requires_action',
      object: { id: first.payment_intent_id, object: 'payment_intent', status: 'requires_action', amount: 2500, currency: 'usd', metadata },
    });
    await settle(world, sandbox());
    expect((await api('GET', `/payment-requests/${first.id}`)).body.status).toBe('succeeded');
    expect((await eventTypes(world, tenantId, first.id)).at(-1)).toBe('payment_request.succeeded');
  });

  it('a repeat with the same idempotency_key returns the same request; a different body with it is refused', async () => {
    const body = requestBody(connectionId, { idempotency_key: 'order-77' });
    const first = await api('POST', '/payment-requests', body);
    const again = await api('POST', '/payment-requests', body);
    expectStatus(again, 201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.client_secret).toBe(first.body.client_secret);
    const other = await api('POST', '/payment-requests', { ...body, amount: 9999 });
    expectStatus(other, 409);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'idempotency_key' });
  });

  it('bad input answers 422 naming the field and what to send', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ amount: 0 }, 'amount', /more than zero/],
      [{ amount: 12.5 }, 'amount', /whole number of minor units/],
      [{ amount: 10 }, 'amount', /below Stripe's minimum/],
      [{ currency: 'XYZ' }, 'currency', /not a currency Stripe can charge/],
      [{ currency: 'dollars' }, 'currency', /three-letter ISO 4217/],
      [{ method: 'cash' }, 'method', /payment_link.*payment_intent/],
      [{ connection_id: 'conn_nope' }, 'connection_id', /No connection conn_nope/],
      [{ return_url: 'javascript:alert(1)' }, 'return_url', /http\(s\) URL/],
      [{ colour: 'red' }, '', /unknown field\(s\) colour/],
    ];
    for (const [override, field, message] of cases) {
      const response = await api('POST', '/payment-requests', requestBody(connectionId, override));
      expect(response.status, JSON.stringify(override)).toBe(422);
      if (field) expect(response.body.error.field).toBe(field);
      expect(response.body.error.message).toMatch(message);
    }
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    for (const [query, message] of [
      ['wait=61&known_status=pending', /between 0 and 60/],
      ['wait=5', /known_status is required with wait/],
      ['wait=5&known_status=paid', /known_status/],
      ['refresh=yes', /true or false/],
    ] as const) {
      const response = await api('GET', `/payment-requests/${created.body.id}?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.body.error.message).toMatch(message);
    }
    expect((await api('GET', '/payment-requests?cursor=forged')).body.error.code).toBe('invalid_cursor');
  });

  it("another tenant's request is 404 for reading, waiting and canceling", async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const otherTenant = await createTenant(world.h, 'Other Ltd');
    const key = await world.h.api('POST', `/api/v1/tenants/${otherTenant}/api-keys`, { name: 'other' });
    expectStatus(key, 201);
    const asOther = (method: string, path: string) => world.h.api(method, `/api/v1/tenants/${otherTenant}${path}`, undefined, key.body.key);
    for (const [method, path] of [
      ['GET', `/payment-requests/${created.body.id}`],
      ['GET', `/payment-requests/${created.body.id}?wait=5&known_status=pending`],
      ['GET', `/payment-requests/${created.body.id}?refresh=true`],
      ['POST', `/payment-requests/${created.body.id}/cancel`],
    ] as const) {
      expect((await asOther(method, path)).status, `${method} ${path}`).toBe(404);
    }
    expect((await asOther('GET', '/payment-requests')).body.data).toEqual([]);
    // Its own connection id is refused for another tenant's create, too.
    const foreign = await world.h.api('POST', `/api/v1/tenants/${otherTenant}/payment-requests`, requestBody(connectionId), key.body.key);
    expectStatus(foreign, 422);
    expect(foreign.body.error.field).toBe('connection_id');
  });

  it('a request with no final state after the configured time emits payment_request.stalled once', async () => {
    const created = await api('POST', '/payment-requests', requestBody(connectionId));
    const done = await api('POST', '/payment-requests', requestBody(connectionId));
    await api('POST', `/payment-requests/${done.body.id}/cancel`);
    world.h.setNow(new Date(Date.now() + world.h.ctx.config.paymentRequestStallMs + 60_000));
    try {
      expect(await reportStalledPaymentRequests(world.h.ctx)).toBeGreaterThanOrEqual(1);
      expect(await reportStalledPaymentRequests(world.h.ctx)).toBe(0);
    } finally {
      world.h.setNow(null);
    }
    expect(await eventTypes(world, tenantId, created.body.id)).toEqual(['payment_request.created', 'payment_request.stalled']);
    expect(await eventTypes(world, tenantId, done.body.id)).not.toContain('payment_request.stalled');
    const view = await api('GET', `/payment-requests/${created.body.id}`);
    expect(view.body).toMatchObject({ status: 'pending', stalled: true });
  });
});
