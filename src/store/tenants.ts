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
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while tenants are added. */
export async function listTenants(db: Db, options: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').selectAll();
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}
