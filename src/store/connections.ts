import type { Db } from './database';
import type { ConnectionRow, ConnectionUpdate, NewConnection } from './schema';

export async function insertConnection(db: Db, values: NewConnection): Promise<ConnectionRow> {
  return db.insertInto('connections').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Any connection by id, disconnected ones included (their history stays readable). */
export async function findConnection(db: Db, id: string): Promise<ConnectionRow | undefined> {
  return db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findConnections(db: Db, ids: readonly string[]): Promise<ConnectionRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('connections').selectAll().where('id', 'in', ids).execute();
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

/** One page of a tenant's live connections, newest first, keyset on (created_at, id). */
export async function listTenantConnectionPage(
  db: Db,
  tenantId: string,
  options: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<ConnectionRow[]> {
  let query = db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('disconnected_at', 'is', null);
  if (options.before) {
    const { createdAt, id } = options.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
}

export async function countLiveConnections(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('connections')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('disconnected_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The tenant's live connection to one Stripe account in one mode and environment, if any. */
export async function findLiveConnectionToAccount(
  db: Db,
  where: { tenantId: string; accountId: string; mode: string; environment: string | null },
): Promise<ConnectionRow | undefined> {
  let query = db
    .selectFrom('connections')
    .selectAll()
    .where('tenant_id', '=', where.tenantId)
    .where('account_id', '=', where.accountId)
    .where('mode', '=', where.mode as ConnectionRow['mode'])
    .where('disconnected_at', 'is', null);
  query = where.environment === null ? query.where('environment', 'is', null) : query.where('environment', '=', where.environment);
  return query.orderBy('created_at', 'asc').executeTakeFirst();
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

/** The connected account's status as Stripe last reported it (`account.updated`). */
export async function setAccountStatus(db: Db, id: string, status: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('connections')
    .set({ account_status: JSON.stringify(status) })
    .where('id', '=', id)
    .execute();
}

/** The connection received an event at `at`; the first one also marks the setup verified. */
export async function touchConnectionActivity(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('connections')
    .set((eb) => ({ last_event_at: at, first_verified_event_at: eb.fn.coalesce('first_verified_event_at', eb.val(at)) }))
    .where('id', '=', id)
    .execute();
}
