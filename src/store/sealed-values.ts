import { sql } from 'kysely';
import type { Db } from './database';

/** Any one sealed value of a column, with its row id, or undefined when the table has none. */
export async function findOneSealedValue(db: Db, table: string, column: string): Promise<{ id: string; sealed: string } | undefined> {
  const result = await sql<{
    id: string;
    sealed: string;
  }>`select id, ${sql.ref(column)} as sealed from ${sql.table(table)} limit 1`.execute(db);
  return result.rows[0];
}
