import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** Amounts are bigint columns: written as numbers, read back as number or string depending on the driver (use Number()). */
type Amount = ColumnType<number | string, number, number>;

/** Where a payment request stands; `succeeded`, `canceled` and `expired` are final and never change. */
export type PaymentRequestStatus = 'pending' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'expired';
export type PaymentRequestMethod = 'payment_link' | 'payment_intent';

export interface PaymentRequestsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  method: PaymentRequestMethod;
  status: PaymentRequestStatus;
  amount: Amount;
  currency: string;
  description: string | null;
  customer: ColumnType<{ email?: string; name?: string } | null, string | null, string | null>;
  flow_id: string | null;
  return_url: string | null;
  idempotency_key: string | null;
  /** The Checkout Session (method payment_link); its payment intent is learnt from its events. */
  checkout_session_id: string | null;
  url: string | null;
  /** Kept for refunds (they link through the payment intent and its charge). */
  payment_intent_id: string | null;
  charge_id: string | null;
  /** Stripe's code and message of the last failed attempt. */
  failure: string | null;
  /** Which attempt that failure was (charge id, else the event id), so a retried decline counts once. */
  failed_attempt_id: string | null;
  /** A second payment arrived (or one arrived after cancel/expiry): refund it. */
  overpaid: ColumnType<boolean, boolean | undefined, boolean>;
  /** Minor units refunded across the request's payments (pending and succeeded refunds). */
  amount_refunded: ColumnType<number | string, number | undefined, number>;
  stalled_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string, never>;
  updated_at: Timestamp;
}

/** Each succeeded payment for a request, once per payment intent: two rows mean it was paid twice. */
export interface PaymentRequestPaymentsTable {
  request_id: string;
  payment_intent_id: string;
  charge_id: string | null;
  amount: Amount;
  currency: string;
  paid_at: Timestamp;
  source: string;
  /** Minor units refunded from this payment so far (pending and succeeded refunds). */
  refunded_amount: ColumnType<number | string, number | undefined, number>;
}

export interface PaymentRequestTables {
  payment_requests: PaymentRequestsTable;
  payment_request_payments: PaymentRequestPaymentsTable;
}

export type PaymentRequestRow = Selectable<PaymentRequestsTable>;
export type PaymentRequestPaymentRow = Selectable<PaymentRequestPaymentsTable>;

export const FINAL_STATUSES: readonly PaymentRequestStatus[] = ['succeeded', 'canceled', 'expired'];
