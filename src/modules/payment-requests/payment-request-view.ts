import { formatMinorUnits } from '../../money';
import type { PaymentRequestRow, PaymentRequestStatus } from '../../store/payment-requests-schema';

/** A payment request as the API, the dashboard, the CLI and domain event snapshots show it (never the client secret). */
export interface PaymentRequestView {
  id: string;
  object: 'payment_request';
  status: PaymentRequestStatus;
  method: PaymentRequestRow['method'];
  connection_id: string;
  amount: number;
  amount_display: string;
  currency: string;
  description: string | null;
  customer: { email?: string; name?: string } | null;
  flow_id: string | null;
  return_url: string | null;
  url: string | null;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  failure: string | null;
  overpaid: boolean;
  amount_refunded: number;
  amount_refunded_display: string;
  stalled: boolean;
  created_at: string;
  updated_at: string;
}

export function viewPaymentRequest(row: PaymentRequestRow): PaymentRequestView {
  const amount = Number(row.amount);
  return {
    id: row.id,
    object: 'payment_request',
    status: row.status,
    method: row.method,
    connection_id: row.connection_id,
    amount,
    amount_display: formatMinorUnits(BigInt(amount), row.currency),
    currency: row.currency,
    description: row.description,
    customer: row.customer,
    flow_id: row.flow_id,
    return_url: row.return_url,
    url: row.url,
    checkout_session_id: row.checkout_session_id,
    payment_intent_id: row.payment_intent_id,
    charge_id: row.charge_id,
    failure: row.failure,
    overpaid: row.overpaid,
    amount_refunded: Number(row.amount_refunded),
    amount_refunded_display: formatMinorUnits(BigInt(row.amount_refunded), row.currency),
    stalled: row.stalled_at !== null,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
