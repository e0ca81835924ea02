import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Backfill resumes from a high-water mark instead of the newest stored event: `covered_until` is
 * the start of the last backfill run that finished without an error and started at or before the
 * previous mark, so every event created before it is known to be stored. `next_due_at` gives each
 * connection its own slot in the 15-minute cycle, so rounds are spread instead of one long sweep,
 * and lets repair, enable and endpoint re-creation ask for a run now.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('backfill_cursors').addColumn('covered_until', 'timestamptz').execute();
  await db.schema
    .alterTable('backfill_cursors')
    .addColumn('next_due_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('backfill_cursors')
    .alterColumn('last_run_at', (c) => c.dropNotNull())
    .execute();
  await db.schema.createIndex('backfill_cursors_due_idx').on('backfill_cursors').column('next_due_at').execute();
}
