import { sql } from 'kysely';
import type { Db } from '../database';

/** Disputes as their Stripe object's newest status says, linked to the payment they contest when Paybridge recorded it. */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('disputes')
    // Stripe's id; two connections (two tenants sharing one account) may both see one dispute.
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('stripe_dispute_id', 'text', (c) => c.notNull())
    .addColumn('charge_id', 'text')
    .addColumn('payment_intent_id', 'text')
    .addColumn('payable_type', 'text')
    .addColumn('payable_id', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_open', 'boolean', (c) => c.notNull())
    .addColumn('due_by', 'timestamptz')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('disputes_stripe_id', ['connection_id', 'stripe_dispute_id'])
    .execute();
  await db.schema.createIndex('disputes_tenant_list').on('disputes').columns(['tenant_id', 'opened_at desc', 'id desc']).execute();
  // The overview's "open disputes, most urgent first".
  await sql`create index disputes_open_due on disputes (tenant_id, due_by) where is_open`.execute(db);
}
