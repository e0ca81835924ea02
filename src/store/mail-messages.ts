import type { Db } from './database';
import type { MailRow } from './invoices-schema';

export async function insertMail(
  db: Db,
  // Pass created_at from the caller's clock (milliseconds) so list cursors compare exactly.
  values: {
    id: string;
    tenant_id: string;
    invoice_id: string | null;
    to_address: string;
    subject: string;
    text_body: string;
    html_body?: string | null;
    kind?: 'payment_link' | 'receipt';
    created_at?: Date;
  },
): Promise<MailRow> {
  return db
    .insertInto('mail_messages')
    .values({ ...values, status: 'pending' })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Inserts the invoice's receipt unless it already has one; returns the receipt either way. */
export async function insertReceiptOnce(
  db: Db,
  values: {
    id: string;
    tenant_id: string;
    invoice_id: string;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string;
    created_at: Date;
  },
): Promise<MailRow> {
  await db
    .insertInto('mail_messages')
    .values({ ...values, kind: 'receipt', status: 'pending' })
    .onConflict((oc) => oc.column('invoice_id').where('kind', '=', 'receipt').doNothing())
    .execute();
  return (await findReceipt(db, values.invoice_id))!;
}

export async function findReceipt(db: Db, invoiceId: string): Promise<MailRow | undefined> {
  return db.selectFrom('mail_messages').selectAll().where('invoice_id', '=', invoiceId).where('kind', '=', 'receipt').executeTakeFirst();
}

export async function findMail(db: Db, id: string): Promise<MailRow | undefined> {
  return db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markMail(
  db: Db,
  id: string,
  changes: {
    status: MailRow['status'];
    transport?: string;
    attempts: number;
    last_error?: string | null;
    message_id?: string | null;
    sent_at?: Date | null;
  },
): Promise<void> {
  await db.updateTable('mail_messages').set(changes).where('id', '=', id).execute();
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listTenantMail(
  db: Db,
  filter: { tenantId: string; invoiceId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<MailRow[]> {
  let query = db.selectFrom('mail_messages').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.invoiceId) query = query.where('invoice_id', '=', filter.invoiceId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}
