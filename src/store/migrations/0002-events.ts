import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per (connection, Stripe event): the unique key is the dedupe. The raw body is kept
  // verbatim (`payload` text) so a replay sees exactly what Stripe sent; the columns beside it are
  // extracted once at receipt for filtering and ordering.
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('livemode', 'boolean', (c) => c.notNull())
    .addColumn('api_version', 'text')
    .addColumn('stripe_created', 'bigint', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('object_type', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('events_connection_stripe_event_key', ['connection_id', 'stripe_event_id'])
    .execute();
  // The worker's queue: only rows still to do are indexed, so the index stays small however large the log grows.
  await sql`create index events_queue_idx on events (next_attempt_at) where status in ('received', 'failed')`.execute(db);
  await db.schema.createIndex('events_tenant_log_idx').on('events').columns(['tenant_id', 'received_at', 'id']).execute();
  await db.schema.createIndex('events_connection_created_idx').on('events').columns(['connection_id', 'stripe_created']).execute();
  await db.schema.createIndex('events_object_idx').on('events').columns(['connection_id', 'object_id']).execute();

  await db.schema
    .createTable('event_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_attempts_event_idx').on('event_attempts').column('event_id').execute();

  // The newest known version of every Stripe object an event carried, per connection.
  await db.schema
    .createTable('stripe_objects')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('stripe_id', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version_created', 'bigint', (c) => c.notNull())
    .addColumn('version_event_id', 'text', (c) => c.notNull())
    .addColumn('version_previous', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('stripe_objects_pkey', ['connection_id', 'stripe_id'])
    .execute();

  await db.schema
    .createTable('webhook_rejections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connection_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_rejections_connection_idx')
    .on('webhook_rejections')
    .columns(['connection_id', 'received_at'])
    .execute();

  await db.schema
    .createTable('webhook_rejection_counts')
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_rejection_counts_pkey', ['connection_id', 'reason'])
    .execute();

  await db.schema
    .createTable('backfill_cursors')
    .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id'))
    .addColumn('last_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_result', 'text')
    .execute();
}
