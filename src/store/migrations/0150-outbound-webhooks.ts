import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Outbound webhooks: the platform's endpoints, their sealed signing secrets, one delivery per
 * (endpoint, domain event) and every attempt made to send it.
 *
 * Each endpoint keeps a cursor over its tenant's domain event sequence (`cursor_sequence`). Fan-out
 * reads the events after it, inserts their deliveries and moves the cursor in one statement, so an
 * event committed is either already a delivery or still after the cursor: nothing falls between.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // null = every event type.
    .addColumn('event_types', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', 'timestamptz')
    .addColumn('cursor_sequence', 'bigint', (c) => c.notNull())
    // Bumped by every secret change, so a process's cache of opened secrets knows it is stale.
    .addColumn('secrets_version', 'integer', (c) => c.notNull().defaultTo(1))
    // Circuit breaker and "failing for 5 days": cleared by any successful attempt.
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'timestamptz')
    .addColumn('circuit_open_until', 'timestamptz')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_endpoint_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    // Set when a rotation replaced it: it keeps signing alongside the new one until then.
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('webhook_endpoint_secrets_endpoint').on('webhook_endpoint_secrets').column('endpoint_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // The Standard Webhooks `webhook-id`: the domain event's id, the same for every attempt and endpoint.
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('domain_event_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    // Only for deliveries without a domain event (ping): the body to send.
    .addColumn('payload', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_response_ms', 'integer')
    .addColumn('last_response_body', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`create unique index webhook_deliveries_event on webhook_deliveries (endpoint_id, domain_event_id) where domain_event_id is not null`.execute(
    db,
  );
  // The queue, per endpoint: only unfinished rows, so it stays small however long the log grows.
  await sql`create index webhook_deliveries_due on webhook_deliveries (endpoint_id, next_attempt_at) where status in ('pending', 'delivering')`.execute(
    db,
  );
  // "Is an older delivery of this object to this endpoint still unfinished?" (order per object).
  await sql`create index webhook_deliveries_object on webhook_deliveries (endpoint_id, object_type, object_id, sequence) where status in ('pending', 'delivering')`.execute(
    db,
  );
  await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['endpoint_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_ms', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_delivery_attempts_delivery')
    .on('webhook_delivery_attempts')
    .columns(['delivery_id', 'attempt'])
    .execute();
}
