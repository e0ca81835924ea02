import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Drops `events (connection_id, stripe_created)`. No query reads events by connection in Stripe's
 * creation order: the worker's queue orders through `events_queue_idx`, an object's versions go
 * through `events_object_idx (connection_id, object_id)`, and a filter on the connection alone
 * (the event log, the connection's count) uses that index's leading column just as well. Each
 * acknowledged event paid one more B-tree insert for it in every month's partition (issue 19).
 */
export async function up(db: Db): Promise<void> {
  await sql`drop index if exists events_connection_created_idx`.execute(db);
}
