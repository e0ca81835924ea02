import { CompiledQuery } from 'kysely';
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
// The check's statement, written once: platforms call it on every request, and building and compiling
// the same query tree each time cost more CPU than the rest of the read (bench profile, issue 15).
const CHECK_SELECT = `select c.id as cid, e.customer_id, e.key, e.source_type, e.source_id, e.tenant_id, e.value, e.status,
  e.expires_at, e.period_end, e.reason, e.as_of, e.as_of_event_id, e.updated_at
  from customers c left join entitlements e on e.customer_id = c.id and e.key = $3
  where c.tenant_id = $1`;
const CHECK_BY_ID = `${CHECK_SELECT} and c.id = $2`;
const CHECK_BY_EXTERNAL_ID = `${CHECK_SELECT} and c.external_id = $2`;

type CheckRow = { cid: string } & { [K in keyof EntitlementRow]: EntitlementRow[K] | null };

export async function readEntitlementCheck(
  db: Db,
  tenantId: string,
  customer: { id: string } | { externalId: string },
  key: string,
): Promise<EntitlementCheckRead> {
  const statement =
    'id' in customer
      ? CompiledQuery.raw(CHECK_BY_ID, [tenantId, customer.id, key])
      : CompiledQuery.raw(CHECK_BY_EXTERNAL_ID, [tenantId, customer.externalId, key]);
  const found = (await db.executeQuery<CheckRow>(statement)).rows;
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
