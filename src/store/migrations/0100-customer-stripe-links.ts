import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Customers become a resource of their own (issue 15): the table from 0005 gains the link to one
 * Stripe customer per connection, a list index, and an index for searching by email.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('customer_stripe_links')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('stripe_customer_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('customer_stripe_links_pkey', ['customer_id', 'connection_id'])
    // A Stripe customer stands for one Paybridge customer, so a fact about it finds exactly one.
    .addUniqueConstraint('customer_stripe_links_stripe_key', ['connection_id', 'stripe_customer_id'])
    .execute();
  await db.schema.createIndex('customers_tenant_list_idx').on('customers').columns(['tenant_id', 'created_at', 'id']).execute();
  // Search is by email prefix, case-insensitive: text_pattern_ops lets LIKE 'prefix%' use the index.
  await sql`create index customers_tenant_email_prefix_idx on customers (tenant_id, lower(email) text_pattern_ops)`.execute(db);
}
