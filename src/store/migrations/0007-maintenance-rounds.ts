import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * One row per maintenance task (backfill, endpoint drift check): when its next round is due and
 * which process started the last one. Worker processes claim a round here, so with several of them
 * on one database each round runs once, not once per process.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('maintenance_rounds')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_due_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
