import type { ColumnType, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** Minor units; bigint, read back as number or string (use Number()). */
type Amount = ColumnType<number | string, number, number>;

export interface DisputesTable {
  /** Stripe's dispute id (`dp_…`): one row per dispute and connection. */
  id: string;
  tenant_id: string;
  connection_id: string;
  stripe_dispute_id: string;
  charge_id: string | null;
  payment_intent_id: string | null;
  payable_type: string | null;
  payable_id: string | null;
  payment_id: string | null;
  amount: Amount;
  currency: string;
  reason: string | null;
  /** Stripe's status: warning_needs_response, needs_response, under_review, won, lost, warning_closed… */
  status: string;
  is_open: boolean;
  /** `evidence_details.due_by`. */
  due_by: Timestamp | null;
  opened_at: Timestamp;
  closed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface DisputeTables {
  disputes: DisputesTable;
}

export type DisputeRow = Selectable<DisputesTable>;
export type NewDispute = Insertable<DisputesTable>;
