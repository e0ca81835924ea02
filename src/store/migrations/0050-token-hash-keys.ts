import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * The key that stored token hashes are made with (HMAC-SHA256), sealed by the master key like every
 * other secret. One row per installation; master-key rotation re-seals it, so tokens survive it.
 */
export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('token_hash_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
