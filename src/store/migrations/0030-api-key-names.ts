import type { Db } from '../database';

/** API keys get an optional name and the time of their last use, so a tenant can tell them apart before revoking one. */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('name', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'timestamptz').execute();
}
