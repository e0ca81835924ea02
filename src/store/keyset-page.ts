import { sql, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';

/** A position in a newest-first list: rows older than `before`, or newer than `after`. */
export interface KeysetPage {
  limit: number;
  before?: { at: Date; id: string };
  after?: { at: Date; id: string };
}

/**
 * One page of a newest-first list keyed on (`timeColumn`, id), the dashboard lists' order: `before`
 * reads older rows; `after` reads newer ones, oldest first from the position, returned newest first
 * like every page. Each list's table has an index on (tenant_id, that time, id).
 */
export async function newestFirstPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  timeColumn: string,
  page: KeysetPage,
): Promise<O[]> {
  const time = sql.ref(timeColumn);
  const id = sql.ref('id');
  if (page.after) {
    const rows = await query
      .where(sql<SqlBool>`(${time}, ${id}) > (${page.after.at}, ${page.after.id})`)
      .orderBy(sql`${time} asc, ${id} asc`)
      .limit(page.limit)
      .execute();
    return rows.reverse();
  }
  const older = page.before ? query.where(sql<SqlBool>`(${time}, ${id}) < (${page.before.at}, ${page.before.id})`) : query;
  return older
    .orderBy(sql`${time} desc, ${id} desc`)
    .limit(page.limit)
    .execute();
}

/** How many rows the query matches, reading at most `cap` + 1 of them, so a huge list costs no more than that. */
export async function cappedCount<DB, TB extends keyof DB, O>(
  db: Db,
  query: SelectQueryBuilder<DB, TB, O>,
  cap: number,
): Promise<{ count: number; capped: boolean }> {
  const limited = query
    .clearSelect()
    .select(sql`1`.as('one'))
    .limit(cap + 1);
  const row = await sql<{ count: number | string }>`select count(*) as count from (${limited}) as matching`.execute(db);
  const count = Number(row.rows[0]?.count ?? 0);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}
