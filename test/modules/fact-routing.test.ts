import { expect, it } from 'vitest';
import type { FactOf } from '../../src/domain/facts';
import type { BusinessModule } from '../../src/domain/module';
import { buildModuleRegistry } from '../../src/modules';
import { listDomainEventsAfter } from '../../src/store/domain-events';
import { findInvoice } from '../../src/store/invoices';
import type { Feature } from '../../src/stripe/features';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore, type TestHarness } from '../support/test-context';
import { openInvoice } from '../support/open-invoice';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

/** A payable type no existing handler knows about: registering its module is all it takes. */
function topUpModule(seen: FactOf<'payment.succeeded'>[]): BusinessModule {
  return {
    name: 'top-ups (test)',
    feature: 'payments',
    payableTypes: ['top_up'],
    describes: 'crediting top-ups',
    handles: {
      'payment.succeeded': async (effects, fact) => {
        seen.push(fact);
        effects.recordDomainEvent({
          tenantId: effects.cause!.tenantId,
          type: 'top_up.credited',
          object: { type: 'top_up', id: fact.payable.id },
          snapshot: { id: fact.payable.id, amount: fact.amount },
        });
        return { status: 'processed', note: `top-up ${fact.payable.id} credited` };
      },
    },
  };
}

function succeededIntent(id: string, metadata: Record<string, string>, amount = 2000) {
  return { id, object: 'payment_intent', status: 'succeeded', amount, amount_received: amount, currency: 'usd', metadata };
}

async function setUp(h: TestHarness, features?: Feature[]) {
  const { connection, secret, tenantId } = await insertTestConnection(h, { features });
  const send = async (event: ReturnType<typeof stripeEvent>) => {
    expect((await deliver(h, connection.id, event, { secrets: [secret] })).status).toBe(200);
    return event.id;
  };
  return { connection, tenantId, send };
}

async function eventRow(h: TestHarness, stripeEventId: string) {
  return h.ctx.store.db.selectFrom('events').selectAll().where('stripe_event_id', '=', stripeEventId).executeTakeFirstOrThrow();
}

describeEachStore('facts routed to modules by Paybridge metadata', (h) => {
  it('routes a payment to the module owning its payable type, with no edit to the payment intent handler', async () => {
    const { tenantId, send } = await setUp(h());
    const seen: FactOf<'payment.succeeded'>[] = [];
    const worker = new EventWorker(h().ctx, { modules: buildModuleRegistry().register(topUpModule(seen)) });
    const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'top_up', paybridge_payable_id: 'tu_1' };
    const eventId = await send(stripeEvent('payment_intent.succeeded', succeededIntent('pi_topup1', metadata, 1234)));
    await worker.drain();

    expect(seen).toEqual([
      expect.objectContaining({ payable: { type: 'top_up', id: 'tu_1' }, providerPaymentId: 'pi_topup1', amount: 1234 }),
    ]);
    expect(await eventRow(h(), eventId)).toMatchObject({ status: 'processed', status_reason: 'top-up tu_1 credited' });
    const [domainEvent] = await listDomainEventsAfter(h().ctx.store.db, tenantId, 0, { limit: 10 });
    expect(domainEvent).toMatchObject({ type: 'top_up.credited', object_id: 'tu_1', stripe_event_id: eventId });
  });

  it('ignores, with its reason, an object without Paybridge metadata and a payable type no module owns', async () => {
    const { tenantId, send } = await setUp(h());
    const worker = new EventWorker(h().ctx);
    const bare = await send(stripeEvent('payment_intent.succeeded', succeededIntent('pi_bare', {})));
    const unknown = await send(
      stripeEvent(
        'payment_intent.succeeded',
        succeededIntent('pi_unknown', { paybridge_tenant_id: tenantId, paybridge_payable_type: 'gift_card', paybridge_payable_id: 'gc_1' }),
      ),
    );
    await worker.drain();

    expect(await eventRow(h(), bare)).toMatchObject({
      status: 'ignored',
      status_reason: 'recorded; pi_bare was not created through Paybridge (no paybridge metadata), so no business state changes',
    });
    expect(await eventRow(h(), unknown)).toMatchObject({
      status: 'ignored',
      status_reason: 'recorded; no module handles payables of type "gift_card" (gc_1)',
    });
    expect(await listDomainEventsAfter(h().ctx.store.db, tenantId, 0, { limit: 10 })).toEqual([]);
  });

  it('pays an invoice from new payable metadata and from the legacy paybridge_invoice_id, writing invoice.paid', async () => {
    const { connection, tenantId, send } = await setUp(h());
    const worker = new EventWorker(h().ctx);
    const current = await openInvoice(h(), tenantId, connection.id);
    const legacy = await openInvoice(h(), tenantId, connection.id);
    const paidNew = await send(
      stripeEvent(
        'payment_intent.succeeded',
        succeededIntent('pi_new', { paybridge_tenant_id: tenantId, paybridge_payable_type: 'invoice', paybridge_payable_id: current }),
      ),
    );
    const paidLegacy = await send(
      stripeEvent(
        'payment_intent.succeeded',
        succeededIntent('pi_legacy', { paybridge_tenant_id: tenantId, paybridge_invoice_id: legacy }),
      ),
    );
    await worker.drain();

    expect((await findInvoice(h().ctx.store.db, current))!.status).toBe('paid');
    expect((await findInvoice(h().ctx.store.db, legacy))!.status).toBe('paid');
    const paid = (await listDomainEventsAfter(h().ctx.store.db, tenantId, 0, { limit: 50, types: ['invoice.paid'] })).map((event) => ({
      invoice: event.object_id,
      cause: event.stripe_event_id,
      connection: event.connection_id,
      status: (event.snapshot as { status: string }).status,
    }));
    expect(paid).toEqual(
      expect.arrayContaining([
        { invoice: current, cause: paidNew, connection: connection.id, status: 'paid' },
        { invoice: legacy, cause: paidLegacy, connection: connection.id, status: 'paid' },
      ]),
    );
    expect(paid).toHaveLength(2);
  });
});

/** Follows payments of any payable and records what it saw. */
function auditModule(seen: string[], feature: Feature): BusinessModule {
  return {
    name: 'payment audit (test)',
    feature,
    payableTypes: [],
    describes: 'auditing payments',
    handles: {},
    follows: {
      'payment.succeeded': async (_effects, fact) => {
        seen.push(`followed ${fact.payable.type} ${fact.payable.id}`);
        return { status: 'processed', note: `audited ${fact.providerPaymentId}` };
      },
    },
  };
}

describeEachStore('modules following facts about payables they do not own', (h) => {
  it('a follower acts after the owner, adds its note, and never turns an ignored event into a processed one', async () => {
    const { tenantId, send } = await setUp(h(), ['payments']);
    const order: string[] = [];
    const owner = topUpModule([]);
    const ownerHandler = owner.handles['payment.succeeded']!;
    const modules = buildModuleRegistry()
      .register({ ...owner, handles: { 'payment.succeeded': async (effects, fact) => (order.push('owner'), ownerHandler(effects, fact)) } })
      .register(auditModule(order, 'payments'));
    const worker = new EventWorker(h().ctx, { modules });
    const metadata = (type: string, id: string) => ({
      paybridge_tenant_id: tenantId,
      paybridge_payable_type: type,
      paybridge_payable_id: id,
    });
    const credited = await send(stripeEvent('payment_intent.succeeded', succeededIntent('pi_followed', metadata('top_up', 'tu_2'))));
    // Invoicing is off on this connection: the invoice's owner is gated, the follower still sees the fact.
    const gated = await send(stripeEvent('payment_intent.succeeded', succeededIntent('pi_gated_follow', metadata('invoice', 'inv_x'))));
    await worker.drain();

    // The two events may be processed at once in two chunks; within each, the owner comes first.
    expect(order.filter((step) => !step.includes('inv_x'))).toEqual(['owner', 'followed top_up tu_2']);
    expect(order).toContain('followed invoice inv_x');
    expect(await eventRow(h(), credited)).toMatchObject({
      status: 'processed',
      status_reason: 'top-up tu_2 credited; audited pi_followed',
    });
    const ignored = await eventRow(h(), gated);
    expect(ignored.status).toBe('ignored');
    expect(ignored.status_reason).toContain('needs the "invoicing" feature');
  });

  it('a follower whose own feature is off on the connection is not called', async () => {
    const { tenantId, send } = await setUp(h(), ['payments']);
    const seen: string[] = [];
    const worker = new EventWorker(h().ctx, {
      modules: buildModuleRegistry().register(topUpModule([])).register(auditModule(seen, 'disputes')),
    });
    const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'top_up', paybridge_payable_id: 'tu_3' };
    const eventId = await send(stripeEvent('payment_intent.succeeded', succeededIntent('pi_unfollowed', metadata)));
    await worker.drain();
    expect(seen).toEqual([]);
    expect(await eventRow(h(), eventId)).toMatchObject({ status: 'processed', status_reason: 'top-up tu_3 credited' });
  });
});

describeEachStore('feature gating: one rule for the processor, the diagnosis and the dashboard', (h) => {
  it('a payment_intent.succeeded for an invoice, on a connection without invoicing, is recorded but pays nothing until enabled and replayed', async () => {
    const { connection, tenantId, send } = await setUp(h(), ['payments']);
    const worker = new EventWorker(h().ctx);
    const invoiceId = await openInvoice(h(), tenantId, connection.id);
    const eventId = await send(
      stripeEvent(
        'payment_intent.succeeded',
        succeededIntent('pi_gated', { paybridge_tenant_id: tenantId, paybridge_payable_type: 'invoice', paybridge_payable_id: invoiceId }),
      ),
    );
    await worker.drain();

    const row = await eventRow(h(), eventId);
    expect(row.status).toBe('ignored');
    expect(row.status_reason).toContain('needs the "invoicing" feature');
    expect((await findInvoice(h().ctx.store.db, invoiceId))!.status).toBe('open');
    const version = await h()
      .ctx.store.db.selectFrom('stripe_objects')
      .select('stripe_id')
      .where('stripe_id', '=', 'pi_gated')
      .executeTakeFirst();
    expect(version).toBeDefined();

    // The diagnosis (API and dashboard) states the same rule the processor applied.
    const diagnosis = await h().api('GET', `/api/v1/tenants/${tenantId}/invoices/${invoiceId}/diagnosis`);
    expect(diagnosis.status).toBe(200);
    expect(diagnosis.body.connection.invoicing_enabled).toBe(false);
    expect(diagnosis.body.next_steps.join('\n')).toContain(
      'lacks the "invoicing" feature, so applying payments to invoices is recorded but changes nothing',
    );

    // Enabling the feature and replaying the ignored event applies it.
    await h()
      .ctx.store.db.updateTable('connections')
      .set({ features: JSON.stringify(['payments', 'invoicing']) })
      .where('id', '=', connection.id)
      .execute();
    expect((await h().api('POST', `/api/v1/tenants/${tenantId}/events/${row.id}/replay`)).status).toBe(200);
    await worker.drain();
    expect((await findInvoice(h().ctx.store.db, invoiceId))!.status).toBe('paid');
  });
});
