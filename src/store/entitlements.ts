import { newId } from '../ids';
import type { Db } from './database';
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

export interface EntitlementCheckRead {
  /** Undefined when the tenant has no such customer. */
  readonly customerId: string | undefined;
  readonly rows: EntitlementRow[];
}

/**
 * The entitlement check's one read: the customer (by Paybridge id or external id, within the tenant)
 * joined to its rows for one key, through the customers' primary key or (tenant, external_id) index
 * and the entitlements' primary key (customer_id, key, …).
 */
export async function readEntitlementCheck(
  db: Db,
  tenantId: string,
  customer: { id: string } | { externalId: string },
  key: string,
): Promise<EntitlementCheckRead> {
  let query = db
    .selectFrom('customers')
    .leftJoin('entitlements', (join) => join.onRef('entitlements.customer_id', '=', 'customers.id').on('entitlements.key', '=', key))
    .select([
      'customers.id as cid',
      'entitlements.customer_id',
      'entitlements.key',
      'entitlements.source_type',
      'entitlements.source_id',
      'entitlements.tenant_id',
      'entitlements.value',
      'entitlements.status',
      'entitlements.expires_at',
      'entitlements.period_end',
      'entitlements.reason',
      'entitlements.as_of',
      'entitlements.as_of_event_id',
      'entitlements.updated_at',
    ])
    .where('customers.tenant_id', '=', tenantId);
  query = 'id' in customer ? query.where('customers.id', '=', customer.id) : query.where('customers.external_id', '=', customer.externalId);
  const found = await query.execute();
  const rows = found.filter((row) => row.source_id !== null).map(({ cid: _cid, ...row }) => row as EntitlementRow);
  return { customerId: found[0]?.cid, rows };
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
