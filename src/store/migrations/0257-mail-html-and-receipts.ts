import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Mail gets an HTML part next to its plain-text one, and a kind. At most one receipt per invoice,
 * held by the database: a receipt job run twice (a duplicated event, a retried job) inserts nothing
 * the second time, so the customer gets one receipt per paid invoice.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('mail_messages').addColumn('html_body', 'text').execute();
  await db.schema.alterTable('mail_messages').addColumn('kind', 'text').execute();
  await sql`create unique index mail_messages_one_receipt_idx on mail_messages (invoice_id) where kind = 'receipt'`.execute(db);
}
