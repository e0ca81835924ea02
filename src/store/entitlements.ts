import { newId } from '../ids';
import type { Db } from './database';
import { EntitlementCheckReader, type CustomerRef, type EntitlementCheckRead } from './entitlement-check-reader';
import type { EntitlementHistoryRow, EntitlementRow, EntitlementSourceType } from './subscriptions-schema';

export type EntitlementWrite = Omit<EntitlementRow, 'value'> & { value: EntitlementRow['value'] };

/** Every entitlement one source (a subscription, a package purchase) gives, revoked ones included. */
export async function listSourceEntitlements(db: Db, sourceType: EntitlementSourceType, sourceId: string): Promise<EntitlementRow[]> {
  return db
    .selectFrom('entitlements')
    .selectAll()
    .where('source_type', '=', sourceType)
    .where('source_id', '=', sourceId)
    .orderBy('key')
    .execute();
}

export async function upsertEntitlement(db: Db, row: EntitlementWrite): Promise<void> {
  const values = { ...row, value: JSON.stringify(row.value) };
  await db
    .insertInto('entitlements')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['customer_id', 'key', 'source_type', 'source_id']).doUpdateSet({
        value: values.value,
        status: values.status,
        expires_at: values.expires_at,
        period_end: values.period_end,
        reason: values.reason,
        as_of: values.as_of,
        as_of_event_id: values.as_of_event_id,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}

export async function insertEntitlementHistory(db: Db, row: Omit<EntitlementHistoryRow, 'id'>): Promise<void> {
  await db
    .insertInto('entitlement_history')
    .values({ id: newId('entitlementChange'), ...row })
    .execute();
}

const readers = new WeakMap<Db, EntitlementCheckReader>();

/**
 * The entitlement check's one read: the customer (by Paybridge id or external id, within the tenant)
 * with its rows for one key. Concurrent checks share a statement (entitlement-check-reader.ts).
 */
export function readEntitlementCheck(db: Db, tenantId: string, customer: CustomerRef, key: string): Promise<EntitlementCheckRead> {
  let reader = readers.get(db);
  if (!reader) {
    reader = new EntitlementCheckReader(db);
    readers.set(db, reader);
  }
  return reader.read(tenantId, customer, key);
}

export async function listCustomerEntitlements(db: Db, customerId: string): Promise<EntitlementRow[]> {
  return db.selectFrom('entitlements').selectAll().where('customer_id', '=', customerId).orderBy('key').orderBy('source_id').execute();
}

export async function listEntitlementHistory(db: Db, customerId: string, limit = 100): Promise<EntitlementHistoryRow[]> {
  return db
    .selectFrom('entitlement_history')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
