import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Plans, packages, checkout sessions, subscriptions mirrored from Stripe, their payments, and
 * entitlements with their history (issue 15).
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_ids', 'jsonb', (c) => c.notNull())
    .addColumn('entitlements', 'jsonb', (c) => c.notNull())
    .addColumn('grace_period_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`grace_period_days >= 0`),
    )
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'needs_attention')`))
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plans_tenant_list_idx').on('plans').columns(['tenant_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('packages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_id', 'text', (c) => c.notNull())
    .addColumn('grants', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'needs_attention')`))
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('packages_tenant_list_idx').on('packages').columns(['tenant_id', 'created_at', 'id']).execute();

  // Which plans and packages sell a price: a catalog change to the price finds them by this index.
  await db.schema
    .createTable('catalog_price_uses')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('price_id', 'text', (c) => c.notNull())
    .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('plan', 'package')`))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_price_uses_pkey', ['connection_id', 'price_id', 'owner_type', 'owner_id'])
    .execute();

  await db.schema
    .createTable('checkout_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('plan_id', 'text', (c) => c.references('plans.id'))
    .addColumn('package_id', 'text', (c) => c.references('packages.id'))
    .addColumn('price_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1`))
    // The payable the Stripe objects are stamped with: the subscription to be, or this session itself.
    .addColumn('payable_type', 'text', (c) => c.notNull())
    .addColumn('payable_id', 'text', (c) => c.notNull())
    .addColumn('stripe_session_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'pending', 'paid', 'failed', 'expired')`))
    .addColumn('paid_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('checkout_sessions_one_product', sql`(plan_id is null) <> (package_id is null)`)
    .addUniqueConstraint('checkout_sessions_payable_key', ['payable_type', 'payable_id'])
    .addUniqueConstraint('checkout_sessions_stripe_key', ['connection_id', 'stripe_session_id'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('plan_id', 'text', (c) => c.references('plans.id'))
    .addColumn('stripe_subscription_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_period_end', 'timestamptz')
    .addColumn('cancel_at_period_end', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cancel_at', 'timestamptz')
    .addColumn('trial_end', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('past_due_since', 'timestamptz')
    .addColumn('latest_invoice_id', 'text')
    .addColumn('latest_invoice_status', 'text')
    .addColumn('latest_invoice_amount_paid', 'bigint')
    .addColumn('latest_invoice_currency', 'text')
    .addColumn('latest_invoice_created', 'bigint')
    // The newest Stripe event this row reflects (its `created`, epoch seconds, and id): the `as_of` of entitlements.
    .addColumn('version_created', 'bigint')
    .addColumn('version_event_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index subscriptions_stripe_key on subscriptions (connection_id, stripe_subscription_id) where stripe_subscription_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('subscriptions_tenant_list_idx').on('subscriptions').columns(['tenant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('subscriptions_customer_idx').on('subscriptions').columns(['customer_id', 'created_at']).execute();
  await db.schema.createIndex('subscriptions_plan_idx').on('subscriptions').columns(['plan_id']).execute();

  // One row per (invoice, outcome, attempt): invoice.paid and invoice.payment_succeeded of one payment record it once.
  await db.schema
    .createTable('subscription_payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('stripe_invoice_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('paid', 'failed')`))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('billing_reason', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('failure', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text', (c) => c.notNull())
    .addUniqueConstraint('subscription_payments_key', ['stripe_invoice_id', 'outcome', 'attempt'])
    .execute();
  await db.schema.createIndex('subscription_payments_sub_idx').on('subscription_payments').columns(['subscription_id', 'at']).execute();

  // The current answer per (customer, key, source). The check reads one customer's rows of one key
  // through the primary key; expiry is decided at read time from expires_at.
  await db.schema
    .createTable('entitlements')
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull().check(sql`source_type in ('subscription', 'package')`))
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'grace', 'revoked')`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('period_end', 'timestamptz')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('as_of', 'timestamptz')
    .addColumn('as_of_event_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('entitlements_pkey', ['customer_id', 'key', 'source_type', 'source_id'])
    .execute();
  await db.schema.createIndex('entitlements_source_idx').on('entitlements').columns(['source_type', 'source_id']).execute();

  await db.schema
    .createTable('entitlement_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('granted', 'grace', 'revoked')`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('entitlement_history_customer_idx').on('entitlement_history').columns(['customer_id', 'at']).execute();
}
