import { notFound } from '../../errors';
import type { Db } from '../../store/database';
import { listCustomerEntitlements, listEntitlementHistory, readEntitlementCheck } from '../../store/entitlements';
import { EXTERNAL_REF_PREFIX } from '../customers/customers-service';
import { currentStatus, evaluateEntitlement, type EntitlementAnswer } from './evaluate';

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/**
 * The check platforms call on every request: one indexed read (customer joined to its rows for the
 * key), then a decision in memory as of `now`.
 */
export async function checkEntitlement(db: Db, tenantId: string, customerRef: string, key: string, now: Date): Promise<EntitlementAnswer> {
  const customer = customerRef.startsWith(EXTERNAL_REF_PREFIX)
    ? { externalId: customerRef.slice(EXTERNAL_REF_PREFIX.length) }
    : { id: customerRef };
  const read = await readEntitlementCheck(db, tenantId, customer, key);
  if (!read.customerId) throw notFound('customer', customerRef);
  return evaluateEntitlement(key, read.rows, now);
}

/** What the customer may do now: one entry per (key, source) that grants, with `grace` while a payment is being retried. */
export async function listActiveEntitlements(db: Db, customerId: string, now: Date) {
  const rows = await listCustomerEntitlements(db, customerId);
  return rows
    .filter((row) => currentStatus(row, now) !== 'revoked')
    .map((row) => ({
      key: row.key,
      status: row.status as 'active' | 'grace',
      value: row.value,
      source: { type: row.source_type, id: row.source_id },
      active_until: iso(row.expires_at ?? row.period_end),
      reason: row.reason,
    }));
}

export async function entitlementHistory(db: Db, customerId: string) {
  return (await listEntitlementHistory(db, customerId)).map((row) => ({
    key: row.key,
    change: row.change,
    source: { type: row.source_type, id: row.source_id },
    reason: row.reason,
    stripe_event_id: row.stripe_event_id,
    at: iso(row.at),
  }));
}
