import type { Db } from '../database';

/**
 * Deleting a tenant keeps its rows (invoices, payments, events are money history): `deleted_at` hides
 * the tenant from every lookup instead, and its API keys are revoked at the same time.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('deleted_at', 'timestamptz').execute();
}
