import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Compresses event payloads and stored object versions with lz4 where the server offers it. The
 * default, pglz, cost PostgreSQL more CPU per ingested 3 KB event than anything else on the insert,
 * and lz4 compresses JSON nearly as well at a fraction of the cost (BENCHMARKS.md). The setting only
 * applies to values written from now on; existing rows stay readable as they are. PGlite is built
 * without lz4 and keeps pglz.
 */
export async function up(db: Db): Promise<void> {
  const offered = await sql`select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)`.execute(db);
  if (offered.rows.length === 0) return;
  await sql`alter table events alter column payload set compression lz4`.execute(db);
  await sql`alter table stripe_objects alter column data set compression lz4`.execute(db);
}
