import type { Db } from './database';
import type { DomainEventRow } from './domain-events-schema';
import type { Insertable } from 'kysely';
import type {
  PaymentRequestPaymentRow,
  PaymentRequestPaymentsTable,
  PaymentRequestRow,
  PaymentRequestStatus,
  PaymentRequestsTable,
} from './payment-requests-schema';

export type NewPaymentRequest = Insertable<PaymentRequestsTable>;

/** Inserts the request, or returns undefined when the tenant already has one with this idempotency key. */
export async function insertPaymentRequest(db: Db, row: NewPaymentRequest): Promise<PaymentRequestRow | undefined> {
  return db
    .insertInto('payment_requests')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findPaymentRequestByKey(db: Db, tenantId: string, key: string): Promise<PaymentRequestRow | undefined> {
  return db
    .selectFrom('payment_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function findTenantPaymentRequest(db: Db, tenantId: string, id: string): Promise<PaymentRequestRow | undefined> {
  return db.selectFrom('payment_requests').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Locks the request for the rest of the transaction: events of one request serialise here. */
export async function lockPaymentRequest(db: Db, tenantId: string, id: string): Promise<PaymentRequestRow | undefined> {
  return db
    .selectFrom('payment_requests')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updatePaymentRequest(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      PaymentRequestRow,
      | 'status'
      | 'checkout_session_id'
      | 'url'
      | 'payment_intent_id'
      | 'charge_id'
      | 'failure'
      | 'failed_attempt_id'
      | 'overpaid'
      | 'stalled_at'
    >
  > & { updated_at: Date },
): Promise<PaymentRequestRow> {
  return db.updateTable('payment_requests').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Records a succeeded payment once per payment intent; undefined when it was already recorded. */
export async function insertRequestPaymentOnce(
  db: Db,
  row: Insertable<PaymentRequestPaymentsTable>,
): Promise<PaymentRequestPaymentRow | undefined> {
  return db
    .insertInto('payment_request_payments')
    .values(row)
    .onConflict((oc) => oc.columns(['request_id', 'payment_intent_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Fills in the charge of a recorded payment when a later event names it (a Checkout Session does not). */
export async function setRequestPaymentCharge(db: Db, requestId: string, paymentIntentId: string, chargeId: string): Promise<void> {
  await db
    .updateTable('payment_request_payments')
    .set({ charge_id: chargeId })
    .where('request_id', '=', requestId)
    .where('payment_intent_id', '=', paymentIntentId)
    .where('charge_id', 'is', null)
    .execute();
}

export async function listRequestPayments(db: Db, requestId: string): Promise<PaymentRequestPaymentRow[]> {
  return db
    .selectFrom('payment_request_payments')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('paid_at')
    .orderBy('payment_intent_id')
    .execute();
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listTenantPaymentRequests(
  db: Db,
  filter: { tenantId: string; status?: PaymentRequestStatus; flowId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<PaymentRequestRow[]> {
  let query = db.selectFrom('payment_requests').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.flowId) query = query.where('flow_id', '=', filter.flowId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Requests still without a final state, created before `createdBefore` and not yet reported stalled (oldest first). */
export async function lockStalledPaymentRequests(db: Db, createdBefore: Date, limit: number): Promise<PaymentRequestRow[]> {
  return db
    .selectFrom('payment_requests')
    .selectAll()
    .where('stalled_at', 'is', null)
    .where('status', 'in', ['pending', 'requires_action', 'processing', 'failed'])
    .where('created_at', '<', createdBefore)
    .orderBy('created_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** One request's history: its domain events, oldest first (the dashboard's timeline). */
export async function listPaymentRequestEvents(db: Db, tenantId: string, requestId: string): Promise<DomainEventRow[]> {
  const rows = await db
    .selectFrom('domain_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('object_type', '=', 'payment_request')
    .where('object_id', '=', requestId)
    .orderBy('sequence')
    .limit(500)
    .execute();
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
}

/** The tenant's request that created this payment intent (method payment_intent knows it from creation). */
export async function findRequestByIntent(
  db: Db,
  tenantId: string,
  connectionId: string,
  paymentIntentId: string,
): Promise<PaymentRequestRow | undefined> {
  return db
    .selectFrom('payment_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .where('payment_intent_id', '=', paymentIntentId)
    .executeTakeFirst();
}
