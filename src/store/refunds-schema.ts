import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** Minor units; bigint, read back as number or string (use Number()). */
type Amount = ColumnType<number | string, number, number>;

/** Stripe's refund statuses. */
export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface RefundsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  stripe_refund_id: string;
  charge_id: string | null;
  payment_intent_id: string | null;
  payable_type: string;
  payable_id: string;
  /** The invoice payment it returns money from (null for payables that keep payments elsewhere). */
  payment_id: string | null;
  amount: Amount;
  currency: string;
  status: string;
  reason: string | null;
  failure_reason: string | null;
  /** `paybridge` when made through Paybridge's API, `stripe` when made in Stripe's dashboard or API directly. */
  source: 'paybridge' | 'stripe';
  stripe_created: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RefundTables {
  refunds: RefundsTable;
}

export type RefundRow = Selectable<RefundsTable>;
