import { renameSync } from 'node:fs';
import { sql } from 'kysely';
import type { Store } from '../database';
import { knownMigrations, migrateOrThrow, migrateUpTo } from '../migrations';
import { legacyPgliteDir } from './pglite-legacy';

const PAGE_ROWS = 500;

export interface CopyResult {
  readonly tables: Record<string, number>;
  readonly keptAt: string;
}

/**
 * Copies a PGlite data directory into the (empty) embedded PostgreSQL, in one transaction: the target
 * schema is first built to the level the PGlite data was written at, rows move table by table as JSON
 * (PostgreSQL's own text forms, so bytea, jsonb and timestamps survive unchanged), then the newer
 * migrations run. The old directory is renamed, not deleted. PGlite is loaded only here.
 */
export async function copyFromPglite(dataDir: string, target: Store, onTable?: (table: string, rows: number) => void): Promise<CopyResult> {
  const dir = legacyPgliteDir(dataDir);
  if (!dir) throw new Error(`no PGlite data directory in ${dataDir} (looked for ${dataDir}/pglite)`);
  const { PGlite } = await import('@electric-sql/pglite');
  const source = new PGlite(dir);
  const tables: Record<string, number> = {};
  try {
    const applied = (await source.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((row) => row.name);
    const level = applied.at(-1);
    const unknown = applied.filter((name) => !knownMigrations().includes(name));
    if (!level || unknown.length > 0) {
      throw new Error(
        `${dir} was written by ${level ? `a newer Paybridge (migrations ${unknown.join(', ')})` : 'no known Paybridge version'}`,
      );
    }
    await resetEmptyTarget(target);
    await migrateUpTo(target.db, level);
    const names = (
      await source.query<{ table_name: string }>(
        `select table_name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%' order by table_name`,
      )
    ).rows.map((row) => row.table_name);
    await target.db.transaction().execute(async (trx) => {
      // Foreign keys are not checked while rows arrive in table-name order; the source enforced them.
      await sql`set local session_replication_role = replica`.execute(trx);
      for (const table of names) {
        let copied = 0;
        await source.transaction(async (tx) => {
          await tx.query(`declare rows_cursor no scroll cursor for select row_to_json(t)::text as row from "${table}" t`);
          for (;;) {
            const page = (await tx.query<{ row: string }>(`fetch ${PAGE_ROWS} from rows_cursor`)).rows;
            if (page.length === 0) break;
            const json = `[${page.map((item) => item.row).join(',')}]`;
            await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`.execute(
              trx,
            );
            copied += page.length;
          }
        });
        tables[table] = copied;
        onTable?.(table, copied);
      }
    });
  } finally {
    await source.close();
  }
  await migrateOrThrow(target.db);
  const keptAt = `${dir}.migrated-${new Date().toISOString().slice(0, 19).replaceAll(':', '')}`;
  renameSync(dir, keptAt);
  return { tables, keptAt };
}

/**
 * The copy goes only into a database holding no tenant and no event. A command run before the copy
 * may have created the current schema already; that empty schema is dropped so the older level can
 * be rebuilt.
 */
async function resetEmptyTarget(target: Store): Promise<void> {
  const tenantsTable = await sql<{ exists: boolean }>`select to_regclass('public.tenants') is not null as exists`.execute(target.db);
  if (!tenantsTable.rows[0]?.exists) return;
  const counts = await sql<{ tenants: number; events: number }>`
    select (select count(*) from tenants)::int as tenants,
           (select count(*) from events)::int as events`.execute(target.db);
  const { tenants = 0, events = 0 } = counts.rows[0] ?? {};
  if (tenants > 0 || events > 0) {
    throw new Error(
      `the embedded PostgreSQL already holds data (${tenants} tenant(s), ${events} event(s)), so nothing was copied. ` +
        'Move that data directory aside and run the command again on a fresh one, or keep using the new data and move data/pglite away.',
    );
  }
  await sql`drop schema public cascade`.execute(target.db);
  await sql`create schema public`.execute(target.db);
}
