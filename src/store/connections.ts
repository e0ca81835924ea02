import type { Db } from './database';
import type { ConnectionRow, ConnectionUpdate, NewConnection } from './schema';

export async function insertConnection(db: Db, values: NewConnection): Promise<ConnectionRow> {
  return db.insertInto('connections').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Any connection by id, disconnected ones included (their history stays readable). */
export async function findConnection(db: Db, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTenantConnection(db: Db, tenantId: string, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('connections').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function listTenantConnections(
  db: Db,
  tenantId: string,
  options: { includeDisconnected?: boolean } = {},
): Promise<ConnectionRow[]> {
  let query = db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId);
  if (!options.includeDisconnected) query = query.where('disconnected_at', 'is', null);
  return query.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

export async function listAllLiveConnections(db: Db): Promise<ConnectionRow[]> {
  return db.selectFrom('connections').selectAll().where('disconnected_at', 'is', null).execute();
}

export async function updateConnection(db: Db, id: string, changes: ConnectionUpdate): Promise<ConnectionRow> {
  return db
    .updateTable('connections')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
