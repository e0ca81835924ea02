import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Paused events by connection. Only paused rows are indexed, so the index stays tiny, and the
 * 15-minute maintenance round can look for events left paused on an active connection without
 * scanning the connection's whole log.
 */
export async function up(db: Db): Promise<void> {
  await sql`create index events_paused_idx on events (connection_id) where status = 'paused'`.execute(db);
}
