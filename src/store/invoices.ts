import type { Db } from './database';
import type { CustomerRow, InvoiceLineRow, InvoiceRow, InvoiceStatus, PaymentRow, TimelineRow } from './invoices-schema';
import { newId } from '../ids';

/** Reuses the tenant's customer with this external id (updating email and name), else creates one. */
export async function upsertCustomer(
  db: Db,
  values: { tenantId: string; email: string; name: string; externalId: string | null; now: Date },
): Promise<CustomerRow> {
  if (values.externalId !== null) {
    return db
      .insertInto('customers')
      .values({
        id: newId('customer'),
        tenant_id: values.tenantId,
        email: values.email,
        name: values.name,
        external_id: values.externalId,
        updated_at: values.now,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'external_id'])
          .where('external_id', 'is not', null)
          .doUpdateSet({ email: values.email, name: values.name, updated_at: values.now }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return db
    .insertInto('customers')
    .values({
      id: newId('customer'),
      tenant_id: values.tenantId,
      email: values.email,
      name: values.name,
      external_id: null,
      updated_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCustomer(db: Db, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertInvoice(
  db: Db,
  // Pass created_at from the caller's clock (milliseconds): list cursors carry milliseconds, and the
  // column default's microseconds would make rows of one millisecond skip or repeat across pages.
  invoice: Omit<
    InvoiceRow,
    'amount_due' | 'created_at' | 'payment_link_active' | 'needs_refund_review' | 'amount_refunded' | 'due_date'
  > & {
    amount_due: number;
    created_at?: Date;
    due_date?: string | null;
  },
  lines: { description: string; quantity: number; unit_amount: number; amount: number }[],
): Promise<InvoiceRow> {
  const row = await db.insertInto('invoices').values(invoice).returningAll().executeTakeFirstOrThrow();
  await db
    .insertInto('invoice_lines')
    .values(lines.map((line, position) => ({ id: newId('invoiceLine'), invoice_id: invoice.id, position, ...line })))
    .execute();
  return row;
}

export async function findTenantInvoice(db: Db, tenantId: string, id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function findInvoiceByExternalId(db: Db, tenantId: string, externalId: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('external_id', '=', externalId).executeTakeFirst();
}

/** Locks the invoice row for the rest of the transaction: concurrent events for one invoice serialise here. */
export async function lockInvoice(db: Db, tenantId: string, id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).forUpdate().executeTakeFirst();
}

export async function findInvoice(db: Db, id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateInvoice(
  db: Db,
  id: string,
  changes: Partial<
    Pick<
      InvoiceRow,
      | 'status'
      | 'payment_link_id'
      | 'payment_link_url'
      | 'payment_link_active'
      | 'needs_refund_review'
      | 'review_reason'
      | 'finalized_at'
      | 'paid_at'
      | 'voided_at'
    >
  > & { updated_at: Date },
  onlyIfStatus?: InvoiceStatus[],
): Promise<InvoiceRow | undefined> {
  let query = db.updateTable('invoices').set(changes).where('id', '=', id);
  if (onlyIfStatus) query = query.where('status', 'in', onlyIfStatus);
  return query.returningAll().executeTakeFirst();
}

export async function listInvoiceLines(db: Db, invoiceId: string): Promise<InvoiceLineRow[]> {
  return db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).orderBy('position').execute();
}

export async function listInvoicePayments(db: Db, invoiceId: string): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('invoice_id', '=', invoiceId).orderBy('paid_at').orderBy('id').execute();
}

export async function listInvoiceTimeline(db: Db, invoiceId: string): Promise<TimelineRow[]> {
  return db.selectFrom('invoice_timeline').selectAll().where('invoice_id', '=', invoiceId).orderBy('at').orderBy('id').execute();
}

/**
 * The customers, lines, payments and timeline of a whole page of invoices in four queries, however
 * long the page: one query per invoice per part let one list request hold the pool (issue 18).
 */
export async function loadInvoiceParts(
  db: Db,
  invoices: InvoiceRow[],
): Promise<{ customers: CustomerRow[]; lines: InvoiceLineRow[]; payments: PaymentRow[]; timeline: TimelineRow[] }> {
  if (invoices.length === 0) return { customers: [], lines: [], payments: [], timeline: [] };
  const ids = invoices.map((invoice) => invoice.id);
  const customerIds = [...new Set(invoices.map((invoice) => invoice.customer_id))];
  // One after another, not in parallel: a page holds one pooled connection at a time.
  const customers = await db.selectFrom('customers').selectAll().where('id', 'in', customerIds).execute();
  const lines = await db.selectFrom('invoice_lines').selectAll().where('invoice_id', 'in', ids).orderBy('position').execute();
  const payments = await db.selectFrom('payments').selectAll().where('invoice_id', 'in', ids).orderBy('paid_at').orderBy('id').execute();
  const timeline = await db.selectFrom('invoice_timeline').selectAll().where('invoice_id', 'in', ids).orderBy('at').orderBy('id').execute();
  return { customers, lines, payments, timeline };
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listTenantInvoices(
  db: Db,
  filter: { tenantId: string; status?: InvoiceStatus; connectionId?: string; externalId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<InvoiceRow[]> {
  let query = db.selectFrom('invoices').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.externalId) query = query.where('external_id', '=', filter.externalId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Records a payment once per (invoice, provider payment id); undefined when it was already recorded. */
export async function insertPaymentOnce(
  db: Db,
  values: Omit<PaymentRow, 'id' | 'created_at' | 'amount' | 'refunded_amount'> & { amount: number },
): Promise<PaymentRow | undefined> {
  return db
    .insertInto('payments')
    .values({ id: newId('payment'), ...values })
    .onConflict((oc) => oc.columns(['invoice_id', 'provider_payment_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Adds a timeline entry; with a `dedupeKey`, a second entry for the same change is skipped. */
export async function addTimelineEntry(
  db: Db,
  values: { invoiceId: string; kind: string; message: string; at: Date; stripeEventId?: string | null; dedupeKey?: string | null },
): Promise<boolean> {
  const query = db.insertInto('invoice_timeline').values({
    id: newId('timeline'),
    invoice_id: values.invoiceId,
    kind: values.kind,
    message: values.message,
    stripe_event_id: values.stripeEventId ?? null,
    dedupe_key: values.dedupeKey ?? null,
    at: values.at,
  });
  const inserted = await (
    values.dedupeKey
      ? query.onConflict((oc) => oc.columns(['invoice_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
      : query
  )
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Email addresses of a tenant's customers, for lists that show them next to invoices. */
export async function findCustomerEmails(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'email'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.email]));
}
