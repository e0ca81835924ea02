import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Drops the foreign key from `events.connection_id` to `connections`. Its check ran once per
 * inserted event, inside the ingest's batch insert: 4–9 ms of a 500-event statement's 38–51 ms
 * (EXPLAIN ANALYZE, issue 19), a tenth of PostgreSQL's work per acknowledged event. It guarded
 * nothing the code does not already hold: a connection row is never deleted (disconnecting sets
 * `disconnected_at`), and every event is written for a connection the writer has just read.
 */
export async function up(db: Db): Promise<void> {
  await sql`alter table events drop constraint if exists events_connection_id_fkey`.execute(db);
}
