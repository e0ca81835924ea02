import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * An optional due date on invoices, as the calendar date the tenant typed (YYYY-MM-DD). Kept as ISO
 * text, not `date`, so no driver turns it into a midnight in some time zone and shifts the day.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .alterTable('invoices')
    .addColumn('due_date', 'text', (c) => c.check(sql`due_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
    .execute();
}
