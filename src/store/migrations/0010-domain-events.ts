import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Domain events: one row per business change (`invoice.paid`, `connection.needs_attention`…),
 * written in the transaction of the change itself, numbered per tenant. Outbound webhooks, long-poll
 * and the dashboard read them after a sequence number.
 *
 * `domain_event_sequences` holds each tenant's last number. Taking the next one updates that row, so
 * a second transaction of the same tenant waits until the first commits: numbers are handed out in
 * commit order, and a reader that has seen N never later finds a smaller number appear.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('domain_event_sequences')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('last_sequence', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('domain_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('stripe_event_id', 'text')
    .addColumn('connection_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('domain_events_tenant_sequence', ['tenant_id', 'sequence'])
    .execute();
  // "What happened to this invoice?" reads one object's history.
  await db.schema.createIndex('domain_events_object').on('domain_events').columns(['tenant_id', 'object_type', 'object_id']).execute();
}
