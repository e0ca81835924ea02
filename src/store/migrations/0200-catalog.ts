import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * The catalog's current state per connection: one row per product and per price, projected from the
 * newest version in `stripe_objects` (which decides ordering and deletion), with the columns the
 * lists filter on. `catalog_imports` keeps each import's Stripe pagination cursor and counts, so an
 * interrupted import resumes where it stopped.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('catalog_products')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('stripe_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('stripe_created', 'timestamptz', (c) => c.notNull())
    .addColumn('version_event_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_products_pk', ['connection_id', 'stripe_id'])
    .execute();
  await db.schema
    .createIndex('catalog_products_list')
    .on('catalog_products')
    .columns(['connection_id', 'stripe_created desc', 'stripe_id desc'])
    .execute();
  await db.schema
    .createTable('catalog_prices')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('stripe_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text')
    .addColumn('nickname', 'text')
    .addColumn('type', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('unit_amount', 'bigint')
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('stripe_created', 'timestamptz', (c) => c.notNull())
    .addColumn('version_event_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_prices_pk', ['connection_id', 'stripe_id'])
    .execute();
  await db.schema
    .createIndex('catalog_prices_list')
    .on('catalog_prices')
    .columns(['connection_id', 'stripe_created desc', 'stripe_id desc'])
    .execute();
  await db.schema.createIndex('catalog_prices_product').on('catalog_prices').columns(['connection_id', 'product_id']).execute();
  await db.schema
    .createTable('catalog_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'succeeded', 'failed')`))
    .addColumn('phase', 'text', (c) => c.notNull().check(sql`phase in ('products', 'prices', 'done')`))
    .addColumn('cursor', 'text')
    .addColumn('products', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prices', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // At most one unfinished import per connection: starting another returns the running one.
  await sql`create unique index catalog_imports_one_running on catalog_imports (connection_id) where status in ('queued', 'running')`.execute(
    db,
  );
}
