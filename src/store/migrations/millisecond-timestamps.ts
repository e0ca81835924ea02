import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Lists page by keyset on (time, id) with a cursor that carries the time in milliseconds, the
 * precision of a JavaScript Date (src/http/cursor.ts). A column holding microseconds (what `now()`
 * writes) would put rows between the cursor's millisecond and the row it came from, and the next
 * page would skip them. So every `created_at` and `received_at` column is `timestamptz(3)`: PostgreSQL
 * rounds each value to the millisecond on write, defaults included, and the cursor is exact.
 *
 * Altering a column's precision rewrites its table once. A migration adding tables after this one
 * declares them `timestamptz(3)` (test/store/schema-rules.test.ts checks) or calls this again.
 */
export async function useMillisecondTimestamps(db: Db): Promise<void> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema()
      and column_name in ('created_at', 'received_at')
      and data_type = 'timestamp with time zone'
      and datetime_precision <> 3
    order by table_name, column_name`.execute(db);
  for (const { table_name, column_name } of columns.rows) {
    await sql`alter table ${sql.table(table_name)} alter column ${sql.ref(column_name)} type timestamptz(3)`.execute(db);
  }
}
