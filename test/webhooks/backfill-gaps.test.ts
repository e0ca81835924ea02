import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountCredentials } from '../../sandbox/index';
import { BackfillScheduler } from '../../src/webhooks/backfill-scheduler';
import {
  connectAuto,
  createAccount,
  createTenant,
  invoiceBody,
  payLink,
  sandboxControl,
  settle,
  startBillingWorld,
  useSandbox,
  type BillingWorld,
} from '../invoices/support';
import { deliver, stripeEvent } from '../support/webhook-delivery';

const sandbox = useSandbox();
const MINUTE = 60_000;

// Real HTTP end to end: the sandbox delivers to a listening Paybridge, through the official SDK.
describe('backfill closes every gap in Stripe’s window [postgres]', () => {
  let world: BillingWorld;
  let account: AccountCredentials;
  let tenantId: string;
  let connection: { id: string; endpointId: string };

  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox());
  });
  // A tenant and connection per test: each test moves its connection's backfill clock by itself.
  beforeEach(async () => {
    account = await createAccount(sandbox());
    tenantId = await createTenant(world.h);
    connection = await connectAuto(world.h, tenantId, account);
    // The round a worker runs when it starts: afterwards the connection is covered up to now.
    await oneSchedulerTick();
  });
  afterAll(async () => {
    await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 });
    await world?.close();
  });

  const api = (method: string, path: string, body?: unknown) => world.h.api(method, `/api/v1/tenants/${tenantId}${path}`, body);

  /** What one worker does on one timer tick of its backfill schedule. */
  async function oneSchedulerTick() {
    const scheduler = new BackfillScheduler(world.h.ctx);
    scheduler.start();
    await scheduler.stop();
  }

  async function openInvoice(email: string) {
    const created = await api('POST', '/invoices', invoiceBody(connection.id, { customer: { email, name: email } }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const finalized = await api('POST', `/invoices/${created.body.id}/finalize`);
    expect(finalized.status, JSON.stringify(finalized.body)).toBe(200);
    return finalized.body as { id: string; payment_link_id: string };
  }

  const statusOf = async (invoiceId: string) => (await api('GET', `/invoices/${invoiceId}`)).body.status as string;

  it('deleted endpoint → customer 1 pays → repair → customer 2 pays and is delivered: the backfill stores customer 1’s payment', async () => {
    const first = await openInvoice('one@example.com');
    const second = await openInvoice('two@example.com');
    await settle(world, sandbox());

    await sandbox().stripe(account.secret_key).webhookEndpoints.del(connection.endpointId);
    await payLink(sandbox(), first.payment_link_id);
    const repaired = await api('POST', `/connections/${connection.id}/repair`);
    expect(repaired.status, JSON.stringify(repaired.body)).toBe(200);
    expect(repaired.body.webhook_endpoint.id).not.toBe(connection.endpointId);
    connection = { ...connection, endpointId: repaired.body.webhook_endpoint.id };

    await payLink(sandbox(), second.payment_link_id);
    await settle(world, sandbox());
    expect(await statusOf(second.id)).toBe('paid');
    // Nothing told Paybridge about customer 1's payment: only Stripe's event list has it.
    expect(await statusOf(first.id)).toBe('open');

    // The repair asked for a backfill, so the very next tick runs one (no 15-minute wait).
    await oneSchedulerTick();
    await world.worker.drain();
    await world.jobs.drain();
    const paid = await api('GET', `/invoices/${first.id}`);
    expect(paid.body.status).toBe('paid');
    expect(paid.body.payment_link_active).toBe(false);
  });

  it('a dropped delivery followed by a delivered one is fetched by the next 15-minute round', async () => {
    const first = await openInvoice('three@example.com');
    const second = await openInvoice('four@example.com');
    await settle(world, sandbox());

    await sandboxControl(sandbox(), '/chaos', { drop_rate: 1 });
    await payLink(sandbox(), first.payment_link_id);
    expect(await sandbox().waitForDeliveries(15_000)).toBe(true);
    await sandboxControl(sandbox(), '/chaos', { drop_rate: 0 });
    // Stripe's `created` has one-second resolution: the delivered event must be strictly newer.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await payLink(sandbox(), second.payment_link_id);
    await settle(world, sandbox());
    expect(await statusOf(second.id)).toBe('paid');
    expect(await statusOf(first.id)).toBe('open');

    // Fifteen minutes later the connection's slot comes round again (events fetched then are due then).
    world.h.setNow(new Date(Date.now() + 15 * MINUTE));
    try {
      await oneSchedulerTick();
      await world.worker.drain();
    } finally {
      world.h.setNow(null);
    }
    expect(await statusOf(first.id)).toBe('paid');
  });

  it('refuses a signed event dated in the far future, which moves nothing', async () => {
    const secrets = await world.h.ctx.store.db
      .selectFrom('signing_secrets')
      .select(['id', 'secret_sealed'])
      .where('connection_id', '=', connection.id)
      .execute();
    const { bindingFor } = await import('../../src/crypto/sealed-columns');
    const plain = secrets.map((secret) => world.h.ctx.secrets.open(secret.secret_sealed, bindingFor('signing_secrets', secret.id)));
    const before = await world.h.ctx.store.db
      .selectFrom('backfill_cursors')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .execute();

    const farFuture = stripeEvent('customer.created', { id: 'cus_future', object: 'customer', metadata: {} }, { created: 1e15 });
    const refused = await deliver(world.h, connection.id, farFuture, { secrets: plain });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_payload');
    expect(refused.body.error.message).toMatch(/future/);
    const justAhead = stripeEvent(
      'customer.created',
      { id: 'cus_soon', object: 'customer', metadata: {} },
      { created: Math.floor(Date.now() / 1000) + 301 + 300 },
    );
    expect((await deliver(world.h, connection.id, justAhead, { secrets: plain })).status).toBe(400);
    const skewed = stripeEvent(
      'customer.created',
      { id: 'cus_skewed', object: 'customer', metadata: {} },
      { created: Math.floor(Date.now() / 1000) + 60 },
    );
    expect((await deliver(world.h, connection.id, skewed, { secrets: plain })).status).toBe(200);

    const stored = await world.h.ctx.store.db
      .selectFrom('events')
      .select('stripe_event_id')
      .where('stripe_event_id', 'in', [farFuture.id, justAhead.id])
      .execute();
    expect(stored).toEqual([]);
    const after = await world.h.ctx.store.db
      .selectFrom('backfill_cursors')
      .selectAll()
      .where('connection_id', '=', connection.id)
      .execute();
    expect(after).toEqual(before);

    // Automatic backfill still works for this connection: a missed event is still fetched.
    await sandboxControl(sandbox(), '/chaos', { drop_rate: 1 });
    const customer = await sandbox().stripe(account.secret_key).customers.create({ email: 'late@example.com' });
    expect(await sandbox().waitForDeliveries(15_000)).toBe(true);
    await sandboxControl(sandbox(), '/chaos', { drop_rate: 0 });
    world.h.setNow(new Date(Date.now() + 15 * MINUTE));
    try {
      await oneSchedulerTick();
    } finally {
      world.h.setNow(null);
    }
    const fetched = await world.h.ctx.store.db.selectFrom('events').select('type').where('object_id', '=', customer.id).execute();
    expect(fetched.map((row) => row.type)).toContain('customer.created');
  });
});
