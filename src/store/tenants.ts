import { newId } from '../ids';
import type { Db } from './database';
import type { Tenant } from './schema';

export async function insertTenant(db: Db, name: string): Promise<Tenant> {
  // created_at in milliseconds, like the page cursors that carry it (now() would add microseconds and
  // make a cursor skip rows created in the same millisecond).
  return db
    .insertInto('tenants')
    .values({ id: newId('tenant'), name, created_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while tenants are added. */
export async function listTenants(db: Db, options: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').selectAll().where('deleted_at', 'is', null);
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

/** Renames a live tenant; undefined when there is none with this id. */
export async function renameTenantRow(db: Db, id: string, name: string): Promise<Tenant | undefined> {
  return db.updateTable('tenants').set({ name }).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
}

/** Locks a live tenant's row until the transaction ends, so nothing else deletes or renames it meanwhile. */
export async function lockTenant(db: Db, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
}

/** What still runs under a tenant: connections not disconnected and open invoices (customers may still pay them). */
export async function tenantActivity(db: Db, id: string): Promise<{ liveConnections: number; openInvoices: number }> {
  const connections = await db
    .selectFrom('connections')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', id)
    .where('disconnected_at', 'is', null)
    .executeTakeFirstOrThrow();
  const invoices = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { liveConnections: Number(connections.count), openInvoices: Number(invoices.count) };
}

/** Marks the tenant deleted and revokes its API keys (their dashboard sessions end with them); returns how many keys were revoked. */
export async function markTenantDeleted(db: Db, id: string, now: Date): Promise<number> {
  await db.updateTable('tenants').set({ deleted_at: now }).where('id', '=', id).execute();
  const revoked = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('tenant_id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(revoked.numUpdatedRows);
}
