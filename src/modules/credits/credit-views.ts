import type { CreditBalanceRow } from '../../store/credits';
import type { CreditDebitRow, CreditGrantRow, CreditHoldRow, CreditLedgerRow } from '../../store/credits-schema';
import { splitByKind, type Taken } from './ledger';

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** The JSON shapes of the credits API (routes.ts declares the same as zod schemas for OpenAPI). */
export function balanceView(row: CreditBalanceRow) {
  const paid = Number(row.paid);
  const granted = Number(row.granted);
  return {
    unit: row.unit,
    available: paid + granted,
    paid,
    granted,
    held: Number(row.held),
    next_expires_at: iso(row.next_expires_at),
  };
}

export function grantView(row: CreditGrantRow) {
  return {
    id: row.id,
    object: 'credit_grant' as const,
    customer: row.customer_id,
    unit: row.unit,
    kind: row.kind,
    amount: row.amount,
    remaining: row.remaining,
    source: { type: row.source_type, id: row.source_id },
    reason: row.reason,
    expires_at: iso(row.expires_at),
    created_at: iso(row.created_at)!,
  };
}

export function debitView(row: CreditDebitRow, taken: readonly Taken[]) {
  const split = splitByKind(taken);
  return {
    id: row.id,
    object: 'credit_debit' as const,
    customer: row.customer_id,
    unit: row.unit,
    amount: row.amount,
    paid: split.paid,
    granted: split.granted,
    reason: row.reason,
    created_at: iso(row.created_at)!,
  };
}

export function holdView(row: CreditHoldRow) {
  return {
    id: row.id,
    object: 'credit_hold' as const,
    customer: row.customer_id,
    unit: row.unit,
    amount: row.amount,
    status: row.status as 'held' | 'captured' | 'released' | 'expired',
    captured_amount: row.captured_amount,
    expires_at: iso(row.expires_at)!,
    settled_at: iso(row.settled_at),
    created_at: iso(row.created_at)!,
  };
}

export function ledgerEntryView(row: CreditLedgerRow) {
  return {
    id: row.id,
    unit: row.unit,
    type: row.entry_type,
    /** Change to what can be spent now (paid + granted). */
    available_delta: row.paid_delta + row.granted_delta,
    paid_delta: row.paid_delta,
    granted_delta: row.granted_delta,
    held_delta: row.held_delta,
    reference: { type: row.reference_type, id: row.reference_id },
    reason: row.reason,
    created_at: iso(row.created_at)!,
  };
}

export type BalanceView = ReturnType<typeof balanceView>;
export type GrantView = ReturnType<typeof grantView>;
export type DebitView = ReturnType<typeof debitView>;
export type HoldView = ReturnType<typeof holdView>;
export type LedgerEntryView = ReturnType<typeof ledgerEntryView>;
