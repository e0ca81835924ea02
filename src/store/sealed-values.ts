import { sql } from 'kysely';
import type { Db } from './database';

/** Every sealed value of a column with its row id, locked until the transaction ends (for re-sealing them all). */
export async function lockSealedValues(trx: Db, table: string, column: string): Promise<{ id: string; sealed: string }[]> {
  const result = await sql<{
    id: string;
    sealed: string;
  }>`select id, ${sql.ref(column)} as sealed from ${sql.table(table)} for update`.execute(trx);
  return result.rows;
}

export async function updateSealedValue(trx: Db, table: string, column: string, id: string, sealed: string): Promise<void> {
  await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed} where id = ${id}`.execute(trx);
}

/** Any one sealed value of a column, with its row id, or undefined when the table has none. */
export async function findOneSealedValue(db: Db, table: string, column: string): Promise<{ id: string; sealed: string } | undefined> {
  const result = await sql<{
    id: string;
    sealed: string;
  }>`select id, ${sql.ref(column)} as sealed from ${sql.table(table)} limit 1`.execute(db);
  return result.rows[0];
}
