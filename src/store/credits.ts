import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type {
  CreditAllocationRow,
  CreditDebitRow,
  CreditEntryType,
  CreditGrantRow,
  CreditHoldRow,
  CreditHoldStatus,
  CreditKind,
  CreditLedgerRow,
} from './credits-schema';

/** One customer's credits of one unit: the row every movement locks first. */
export interface CreditAccountKey {
  readonly tenantId: string;
  readonly customerId: string;
  readonly unit: string;
}

/** Creates the account on the first grant of a unit; a no-op afterwards. */
export async function ensureCreditAccount(db: Db, key: CreditAccountKey): Promise<void> {
  await db
    .insertInto('credit_accounts')
    .values({ tenant_id: key.tenantId, customer_id: key.customerId, unit: key.unit })
    .onConflict((oc) => oc.columns(['tenant_id', 'customer_id', 'unit']).doNothing())
    .execute();
}

/**
 * Locks the account until the transaction ends, so movements of one unit of one customer happen one
 * at a time. False when the customer never had this unit.
 */
export async function lockCreditAccount(db: Db, key: CreditAccountKey): Promise<boolean> {
  const row = await db
    .selectFrom('credit_accounts')
    .select('unit')
    .where('tenant_id', '=', key.tenantId)
    .where('customer_id', '=', key.customerId)
    .where('unit', '=', key.unit)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Locks every account of a customer, in unit order (the same order everywhere, so no deadlock). */
export async function lockCustomerCreditAccounts(db: Db, tenantId: string, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('credit_accounts')
    .select('unit')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('unit')
    .forUpdate()
    .execute();
  return rows.map((row) => row.unit);
}

export async function listCustomerCreditUnits(db: Db, tenantId: string, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('credit_accounts')
    .select('unit')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('unit')
    .execute();
  return rows.map((row) => row.unit);
}

function inAccount<Q extends { where: (...args: any[]) => Q }>(query: Q, key: CreditAccountKey): Q {
  return query.where('tenant_id', '=', key.tenantId).where('customer_id', '=', key.customerId).where('unit', '=', key.unit);
}

// ---- grants ---------------------------------------------------------------------------------------

export async function insertCreditGrant(db: Db, grant: Omit<CreditGrantRow, 'id' | 'expired_at'>): Promise<CreditGrantRow> {
  return db
    .insertInto('credit_grants')
    .values({ id: newId('creditGrant'), ...grant })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCreditGrantByKey(db: Db, tenantId: string, idempotencyKey: string): Promise<CreditGrantRow | undefined> {
  return db
    .selectFrom('credit_grants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/**
 * Lots still holding free credits, soonest-expiring first, lots that never expire last (the order
 * credits are spent in). Expired lots come first in it; the caller expires them before spending.
 */
export async function listLotsWithCredits(db: Db, key: CreditAccountKey): Promise<CreditGrantRow[]> {
  return inAccount(db.selectFrom('credit_grants').selectAll(), key)
    .where('remaining', '>', 0)
    .orderBy(sql`expires_at asc nulls last`)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Adds `delta` (negative to take) to a lot's free credits; the column's check refuses going below 0 or above the amount. */
export async function adjustGrantRemaining(db: Db, grantId: string, delta: number): Promise<void> {
  await db
    .updateTable('credit_grants')
    .set({ remaining: sql<number>`remaining + ${delta}` })
    .where('id', '=', grantId)
    .execute();
}

export async function markGrantExpired(db: Db, grantId: string, now: Date): Promise<void> {
  await db.updateTable('credit_grants').set({ remaining: 0, expired_at: now }).where('id', '=', grantId).execute();
}

// ---- debits and holds -----------------------------------------------------------------------------

export async function insertCreditDebit(db: Db, debit: Omit<CreditDebitRow, 'id'>): Promise<CreditDebitRow> {
  return db
    .insertInto('credit_debits')
    .values({ id: newId('creditDebit'), ...debit })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCreditDebitByKey(db: Db, tenantId: string, idempotencyKey: string): Promise<CreditDebitRow | undefined> {
  return db
    .selectFrom('credit_debits')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

export async function insertCreditHold(db: Db, hold: Omit<CreditHoldRow, 'id' | 'captured_amount' | 'settled_at'>): Promise<CreditHoldRow> {
  return db
    .insertInto('credit_holds')
    .values({ id: newId('creditHold'), ...hold })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCreditHoldByKey(db: Db, tenantId: string, idempotencyKey: string): Promise<CreditHoldRow | undefined> {
  return db
    .selectFrom('credit_holds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

export async function findCreditHold(db: Db, tenantId: string, customerId: string, holdId: string): Promise<CreditHoldRow | undefined> {
  return db
    .selectFrom('credit_holds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', holdId)
    .executeTakeFirst();
}

/** Holds still reserving credits whose time is up. */
export async function listExpiredOpenHolds(db: Db, key: CreditAccountKey, now: Date): Promise<CreditHoldRow[]> {
  return inAccount(db.selectFrom('credit_holds').selectAll(), key)
    .where('status', '=', 'held')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .orderBy('id')
    .execute();
}

export async function settleCreditHold(
  db: Db,
  holdId: string,
  values: { status: CreditHoldStatus; capturedAmount: number | null; at: Date },
): Promise<CreditHoldRow> {
  return db
    .updateTable('credit_holds')
    .set({ status: values.status, captured_amount: values.capturedAmount, settled_at: values.at })
    .where('id', '=', holdId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---- allocations ----------------------------------------------------------------------------------

export interface NewAllocation {
  readonly grantId: string;
  readonly amount: number;
}

export async function insertCreditAllocations(
  db: Db,
  owner: { debitId: string } | { holdId: string },
  allocations: readonly NewAllocation[],
): Promise<void> {
  if (allocations.length === 0) return;
  await db
    .insertInto('credit_allocations')
    .values(
      allocations.map((allocation) => ({
        id: newId('creditAllocation'),
        grant_id: allocation.grantId,
        debit_id: 'debitId' in owner ? owner.debitId : null,
        hold_id: 'holdId' in owner ? owner.holdId : null,
        amount: allocation.amount,
      })),
    )
    .execute();
}

/** What a debit or a hold took, lot by lot, with each lot's kind and expiry, soonest-expiring first. */
export async function listAllocationsOf(
  db: Db,
  owner: { debitId: string } | { holdId: string },
): Promise<(CreditAllocationRow & { kind: CreditKind; expires_at: Date | null })[]> {
  const query = db
    .selectFrom('credit_allocations as a')
    .innerJoin('credit_grants as g', 'g.id', 'a.grant_id')
    .select(['a.id', 'a.grant_id', 'a.debit_id', 'a.hold_id', 'a.amount', 'g.kind', 'g.expires_at']);
  const owned = 'debitId' in owner ? query.where('a.debit_id', '=', owner.debitId) : query.where('a.hold_id', '=', owner.holdId);
  return owned
    .orderBy(sql`g.expires_at asc nulls last`)
    .orderBy('g.created_at')
    .orderBy('g.id')
    .execute();
}

// ---- ledger ---------------------------------------------------------------------------------------

export interface NewLedgerEntry {
  readonly entryType: CreditEntryType;
  readonly paidDelta: number;
  readonly grantedDelta: number;
  readonly heldDelta: number;
  readonly reference: { readonly type: string; readonly id: string };
  readonly reason: string | null;
}

export async function appendCreditLedger(db: Db, key: CreditAccountKey, entries: readonly NewLedgerEntry[], now: Date): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('credit_ledger')
    .values(
      entries.map((entry) => ({
        id: newId('creditEntry'),
        tenant_id: key.tenantId,
        customer_id: key.customerId,
        unit: key.unit,
        entry_type: entry.entryType,
        paid_delta: entry.paidDelta,
        granted_delta: entry.grantedDelta,
        held_delta: entry.heldDelta,
        reference_type: entry.reference.type,
        reference_id: entry.reference.id,
        reason: entry.reason,
        created_at: now,
      })),
    )
    .execute();
}

/** A customer's ledger, newest first, keyset-paginated on (created_at, id). */
export async function listCreditLedger(
  db: Db,
  filter: { tenantId: string; customerId: string; unit?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<CreditLedgerRow[]> {
  let query = db
    .selectFrom('credit_ledger')
    .selectAll()
    .where('tenant_id', '=', filter.tenantId)
    .where('customer_id', '=', filter.customerId);
  if (filter.unit) query = query.where('unit', '=', filter.unit);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

// ---- balances -------------------------------------------------------------------------------------

export interface CreditBalanceRow {
  unit: string;
  paid: number;
  granted: number;
  held: number;
  next_expires_at: Date | null;
}

/**
 * Per unit: free credits of unexpired lots by kind, credits reserved by open holds, and the soonest
 * expiry among lots still holding credits. Every unit the customer ever had is listed, at 0 if spent.
 */
export async function readCreditBalances(db: Db, tenantId: string, customerId: string, now: Date): Promise<CreditBalanceRow[]> {
  const result = await sql<CreditBalanceRow>`
    select a.unit,
      coalesce((select sum(g.remaining) from credit_grants g
        where g.tenant_id = a.tenant_id and g.customer_id = a.customer_id and g.unit = a.unit and g.kind = 'paid'
          and g.remaining > 0 and (g.expires_at is null or g.expires_at > ${now})), 0)::bigint as paid,
      coalesce((select sum(g.remaining) from credit_grants g
        where g.tenant_id = a.tenant_id and g.customer_id = a.customer_id and g.unit = a.unit and g.kind = 'granted'
          and g.remaining > 0 and (g.expires_at is null or g.expires_at > ${now})), 0)::bigint as granted,
      coalesce((select sum(h.amount) from credit_holds h
        where h.tenant_id = a.tenant_id and h.customer_id = a.customer_id and h.unit = a.unit
          and h.status = 'held' and h.expires_at > ${now}), 0)::bigint as held,
      (select min(g.expires_at) from credit_grants g
        where g.tenant_id = a.tenant_id and g.customer_id = a.customer_id and g.unit = a.unit
          and g.remaining > 0 and g.expires_at > ${now}) as next_expires_at
    from credit_accounts a
    where a.tenant_id = ${tenantId} and a.customer_id = ${customerId}
    order by a.unit`.execute(db);
  return result.rows;
}

/**
 * A successful debit with what it took and its ledger entry, in one statement: the debit runs while
 * its account is locked, and every round trip under the lock is time other debits of that account wait.
 * The allocations' foreign key to the debit is checked at the end of the statement, after all three inserts.
 */
export async function insertSucceededDebit(
  db: Db,
  debit: Omit<CreditDebitRow, 'id' | 'status' | 'rejection'>,
  allocations: readonly NewAllocation[],
  key: CreditAccountKey,
  entry: Omit<NewLedgerEntry, 'reference'>,
): Promise<CreditDebitRow> {
  const id = newId('creditDebit');
  return db
    .with('allocated', (q) =>
      q.insertInto('credit_allocations').values(
        allocations.map((allocation) => ({
          id: newId('creditAllocation'),
          grant_id: allocation.grantId,
          debit_id: id,
          hold_id: null,
          amount: allocation.amount,
        })),
      ),
    )
    .with('entered', (q) =>
      q.insertInto('credit_ledger').values({
        id: newId('creditEntry'),
        tenant_id: key.tenantId,
        customer_id: key.customerId,
        unit: key.unit,
        entry_type: entry.entryType,
        paid_delta: entry.paidDelta,
        granted_delta: entry.grantedDelta,
        held_delta: entry.heldDelta,
        reference_type: 'credit_debit',
        reference_id: id,
        reason: entry.reason,
        created_at: debit.created_at,
      }),
    )
    .insertInto('credit_debits')
    .values({ id, ...debit, status: 'succeeded', rejection: null })
    .returningAll()
    .executeTakeFirstOrThrow();
}
