import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** bigint columns: the pg type parser (src/store/database.ts) reads them back as numbers. */
type Amount = ColumnType<number, number, number>;

export type CreditKind = 'paid' | 'granted';
export type CreditHoldStatus = 'held' | 'captured' | 'released' | 'expired' | 'rejected';
export type CreditDebitStatus = 'succeeded' | 'rejected';
export type CreditEntryType = 'grant' | 'debit' | 'hold' | 'capture' | 'release' | 'hold_expired' | 'expire';

export interface CreditAccountsTable {
  tenant_id: string;
  customer_id: string;
  unit: string;
  created_at: CreatedAt;
}

export interface CreditGrantsTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  unit: string;
  kind: CreditKind;
  amount: Amount;
  remaining: Amount;
  source_type: string;
  source_id: string | null;
  reason: string | null;
  expires_at: Timestamp | null;
  /** When the lazy sweep took what was left of the lot (src/modules/credits/ledger.ts). */
  expired_at: Timestamp | null;
  idempotency_key: string;
  /** The request the key was first used with, to tell a retry from a reuse. */
  fingerprint: string;
  created_at: Timestamp;
}

export interface CreditDebitsTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  unit: string;
  amount: Amount;
  status: CreditDebitStatus;
  /** The error code a rejected debit answered with, so a retry answers the same. */
  rejection: string | null;
  reason: string | null;
  idempotency_key: string;
  fingerprint: string;
  created_at: Timestamp;
}

export interface CreditHoldsTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  unit: string;
  amount: Amount;
  captured_amount: ColumnType<number | null, number | null | undefined, number | null>;
  status: CreditHoldStatus;
  rejection: string | null;
  expires_at: Timestamp;
  settled_at: Timestamp | null;
  idempotency_key: string;
  fingerprint: string;
  created_at: Timestamp;
}

export interface CreditAllocationsTable {
  id: string;
  grant_id: string;
  debit_id: string | null;
  hold_id: string | null;
  amount: Amount;
}

export interface CreditLedgerTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  unit: string;
  entry_type: CreditEntryType;
  /** Change to the spendable paid credits. */
  paid_delta: Amount;
  /** Change to the spendable granted credits. */
  granted_delta: Amount;
  /** Change to the credits reserved by holds. */
  held_delta: Amount;
  reference_type: string;
  reference_id: string;
  reason: string | null;
  created_at: Timestamp;
}

export interface CreditTables {
  credit_accounts: CreditAccountsTable;
  credit_grants: CreditGrantsTable;
  credit_debits: CreditDebitsTable;
  credit_holds: CreditHoldsTable;
  credit_allocations: CreditAllocationsTable;
  credit_ledger: CreditLedgerTable;
}

export type CreditGrantRow = Selectable<CreditGrantsTable>;
export type CreditDebitRow = Selectable<CreditDebitsTable>;
export type CreditHoldRow = Selectable<CreditHoldsTable>;
export type CreditAllocationRow = Selectable<CreditAllocationsTable>;
export type CreditLedgerRow = Selectable<CreditLedgerTable>;
