import { newId } from '../../src/ids';
import { appendDomainEvents } from '../../src/store/domain-events';
import { insertEvents, type IncomingEvent } from '../../src/store/events';
import { insertInvoice, insertPaymentOnce, upsertCustomer } from '../../src/store/invoices';
import { insertEndpoint } from '../../src/store/outbound-webhooks';
import { insertPaymentRequest } from '../../src/store/payment-requests';
import type { PaymentRequestStatus } from '../../src/store/payment-requests-schema';
import { saveDispute } from '../../src/store/disputes';
import { addRejectionCounts } from '../../src/store/rejections';
import type { EventStatus } from '../../src/store/schema';
import type { TestHarness } from '../support/test-context';
import { insertTestConnection } from './dashboard-client';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Seeded {
  tenantId: string;
  connectionId: string;
  invoiceId: string;
  /** The Stripe event id of the event that paid the invoice. */
  payingEvent: string;
  customerId: string;
}

function event(tenantId: string, connectionId: string, n: number, type: string, receivedAt: Date, objectId: string): IncomingEvent {
  return {
    connection_id: connectionId,
    tenant_id: tenantId,
    stripe_event_id: `evt_seed${String(n).padStart(4, '0')}`,
    type,
    livemode: false,
    api_version: null,
    stripe_created: Math.floor(receivedAt.getTime() / 1000),
    object_id: objectId,
    object_type: type.split('.')[0]!,
    payload: JSON.stringify({ id: `evt_seed${n}` }),
    source: 'webhook',
    status: 'received',
    received_at: receivedAt,
    next_attempt_at: receivedAt,
  };
}

/**
 * A tenant with a connection, events spread over 30 days in known statuses, an invoice paid by one
 * of them (with the domain event linking the two), an open dispute, a failing outbound endpoint and
 * rejected deliveries: everything the overview pages and lists show, written straight to the store.
 */
export async function seedTenant(h: TestHarness, name: string, now: Date): Promise<Seeded> {
  const db = h.ctx.store.db;
  const tenantId = (await h.api('POST', '/api/v1/tenants', { name })).body.id as string;
  const connectionId = (await insertTestConnection(h.ctx, tenantId, 'Main account')).id;
  const customer = await upsertCustomer(db, { tenantId, email: 'ada@example.com', name: 'Ada', externalId: 'CUST-7', now });
  const invoiceId = newId('invoice');
  await insertInvoice(
    db,
    {
      id: invoiceId,
      tenant_id: tenantId,
      connection_id: connectionId,
      customer_id: customer.id,
      external_id: 'INV-1001',
      currency: 'EUR',
      amount_due: 123456,
      status: 'paid',
      payment_link_id: null,
      payment_link_url: null,
      review_reason: null,
      finalized_at: now,
      paid_at: now,
      voided_at: null,
      updated_at: now,
    },
    [{ description: 'Consulting', quantity: 1, unit_amount: 123456, amount: 123456 }],
  );

  // 3 this hour (2 processed, 1 dead), 2 five hours ago (1 failed, 1 waiting), 4 ten days ago (processed).
  const spec: [number, string, EventStatus, string][] = [
    [0, 'payment_intent.succeeded', 'processed', 'pi_paid'],
    [0, 'checkout.session.completed', 'processed', 'cs_paid'],
    [0, 'payment_intent.payment_failed', 'dead', 'pi_other'],
    [5 * HOUR, 'payment_intent.created', 'failed', 'pi_other'],
    [5 * HOUR, 'customer.created', 'received', 'cus_1'],
    ...Array.from({ length: 4 }, (): [number, string, EventStatus, string] => [10 * DAY, 'customer.updated', 'processed', 'cus_1']),
  ];
  const rows = spec.map(([ago, type, , objectId], index) =>
    event(tenantId, connectionId, index, type, new Date(now.getTime() - ago - index * 1000), objectId),
  );
  await insertEvents(db, rows);
  for (const [index, [, , status]] of spec.entries())
    if (status !== 'received')
      await db.updateTable('events').set({ status }).where('stripe_event_id', '=', rows[index]!.stripe_event_id).execute();

  await insertPaymentOnce(db, {
    tenant_id: tenantId,
    invoice_id: invoiceId,
    connection_id: connectionId,
    provider_payment_id: 'pi_paid',
    checkout_session_id: 'cs_paid',
    amount: 123456,
    currency: 'EUR',
    paid_at: now,
    source_event_id: rows[0]!.stripe_event_id,
  });
  await appendDomainEvents(
    db,
    [
      {
        tenantId,
        type: 'invoice.paid',
        objectType: 'invoice',
        objectId: invoiceId,
        snapshot: { id: invoiceId },
        stripeEventId: rows[0]!.stripe_event_id,
        connectionId,
      },
    ],
    now,
  );
  await saveDispute(db, {
    id: `dp_${tenantId.slice(4, 12)}`,
    tenant_id: tenantId,
    connection_id: connectionId,
    stripe_dispute_id: `dp_${tenantId.slice(4, 12)}`,
    charge_id: 'ch_1',
    payment_intent_id: 'pi_paid',
    payable_type: 'invoice',
    payable_id: invoiceId,
    payment_id: null,
    amount: 5000,
    currency: 'eur',
    reason: 'fraudulent',
    status: 'needs_response',
    is_open: true,
    due_by: new Date(now.getTime() + 3 * DAY),
    opened_at: now,
    closed_at: null,
    updated_at: now,
  });
  const endpointId = newId('webhookEndpoint');
  await insertEndpoint(
    db,
    { id: endpointId, tenantId, url: 'https://hooks.example.com/paybridge', description: null, eventTypes: null, now },
    { id: newId('webhookSecret'), sealed: 'sealed-test-secret' },
  );
  await db
    .updateTable('webhook_endpoints')
    .set({ consecutive_failures: 4, failing_since: new Date(now.getTime() - 2 * HOUR) })
    .where('id', '=', endpointId)
    .execute();
  await addRejectionCounts(db, [{ connectionId, reason: 'no_matching_signature', count: 7, lastAt: now }]);
  return { tenantId, connectionId, invoiceId, payingEvent: rows[0]!.stripe_event_id, customerId: customer.id };
}

/** A payment request written straight to the store: flow id `order-{1000 + n}`, payment intent `pi_list{n}`. */
export async function seedPaymentRequest(
  h: TestHarness,
  at: { tenantId: string; connectionId: string },
  n: number,
  created: Date,
  options: { status?: PaymentRequestStatus; email?: string } = {},
): Promise<string> {
  const id = newId('paymentRequest');
  await insertPaymentRequest(h.ctx.store.db, {
    id,
    tenant_id: at.tenantId,
    connection_id: at.connectionId,
    method: 'payment_intent',
    status: options.status ?? 'pending',
    amount: 1000 + n,
    currency: 'EUR',
    description: null,
    customer: JSON.stringify(options.email ? { email: options.email } : null),
    flow_id: `order-${1000 + n}`,
    return_url: null,
    idempotency_key: null,
    checkout_session_id: null,
    url: null,
    payment_intent_id: `pi_list${n}`,
    charge_id: null,
    failure: null,
    failed_attempt_id: null,
    stalled_at: null,
    created_at: created,
    updated_at: created,
  });
  return id;
}

/** A subscription written straight to the store, as the subscriptions module keeps it: Stripe id `sub_list{n}`. */
export async function seedSubscription(
  h: TestHarness,
  at: { tenantId: string; connectionId: string; customerId: string },
  n: number,
  created: Date,
  status: string,
): Promise<string> {
  const id = newId('subscription');
  await h.ctx.store.db
    .insertInto('subscriptions')
    .values({
      id,
      tenant_id: at.tenantId,
      connection_id: at.connectionId,
      customer_id: at.customerId,
      plan_id: null,
      stripe_subscription_id: `sub_list${n}`,
      status,
      current_period_end: new Date(created.getTime() + 30 * DAY),
      cancel_at_period_end: false,
      cancel_at: null,
      trial_end: null,
      ended_at: null,
      past_due_since: null,
      latest_invoice_id: null,
      latest_invoice_status: null,
      latest_invoice_amount_paid: null,
      latest_invoice_currency: null,
      latest_invoice_created: null,
      version_created: null,
      version_event_id: null,
      created_at: created,
      updated_at: created,
    })
    .execute();
  return id;
}
