import { sql, type Kysely } from 'kysely';

/**
 * Invoices paid through Stripe Payment Links (SPEC C4): customers, invoices and their lines,
 * payments, the invoice timeline, the mail outbox and the jobs table that runs side effects
 * (SMTP, Stripe calls) after the transaction that decided them has committed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The platform's own customer reference is unique per tenant, so a retried create reuses the customer.
  await sql`create unique index customers_tenant_external_key on customers (tenant_id, external_id) where external_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('customers_tenant_email_idx').on('customers').columns(['tenant_id', 'email']).execute();

  await db.schema
    .createTable('invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('external_id', 'text')
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('amount_due', 'bigint', (c) => c.notNull().check(sql`amount_due >= 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'open', 'paid', 'void')`))
    .addColumn('payment_link_id', 'text')
    .addColumn('payment_link_url', 'text')
    .addColumn('payment_link_active', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('needs_refund_review', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('review_reason', 'text')
    .addColumn('finalized_at', 'timestamptz')
    .addColumn('paid_at', 'timestamptz')
    .addColumn('voided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index invoices_tenant_external_key on invoices (tenant_id, external_id) where external_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('invoices_tenant_list_idx').on('invoices').columns(['tenant_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('invoice_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1`))
    .addColumn('unit_amount', 'bigint', (c) => c.notNull().check(sql`unit_amount >= 0`))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('invoice_lines_position_key', ['invoice_id', 'position'])
    .execute();

  // One row per (invoice, payment intent): the business key that makes a payment count once however
  // many events (session completed, async succeeded, intent succeeded, duplicates) report it.
  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('provider_payment_id', 'text', (c) => c.notNull())
    .addColumn('checkout_session_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source_event_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payments_invoice_provider_key', ['invoice_id', 'provider_payment_id'])
    .execute();

  await db.schema
    .createTable('invoice_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('invoice_id', 'text', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text')
    // Distinct Stripe events for one change (or a replay) write one entry, not several.
    .addColumn('dedupe_key', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index invoice_timeline_dedupe_key on invoice_timeline (invoice_id, dedupe_key) where dedupe_key is not null`.execute(
    db,
  );
  await db.schema.createIndex('invoice_timeline_invoice_idx').on('invoice_timeline').columns(['invoice_id', 'at']).execute();

  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('invoice_id', 'text', (c) => c.references('invoices.id').onDelete('set null'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'captured', 'failed')`))
    .addColumn('transport', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('mail_messages_tenant_idx').on('mail_messages').columns(['tenant_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create index jobs_queue_idx on jobs (run_at) where status in ('pending', 'running')`.execute(db);
}
