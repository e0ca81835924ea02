import type { ColumnType, Selectable } from 'kysely';

/** Timestamps are written as Date and read back as Date on both stores. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** Amounts are bigint columns: written as numbers, read back as number or string depending on the driver (use Number()). */
type Amount = ColumnType<number | string, number, number>;
type Flag = ColumnType<boolean, boolean | undefined, boolean>;
type Counter = ColumnType<number, number | undefined, number>;

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'refunded';
export type MailStatus = 'pending' | 'sent' | 'captured' | 'failed';

export interface CustomersTable {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  external_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface InvoicesTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  customer_id: string;
  external_id: string | null;
  currency: string;
  amount_due: Amount;
  status: InvoiceStatus;
  payment_link_id: string | null;
  payment_link_url: string | null;
  payment_link_active: Flag;
  needs_refund_review: Flag;
  /** Minor units refunded across the invoice's payments (issue 17). */
  amount_refunded: ColumnType<number | string, number | undefined, number>;
  review_reason: string | null;
  /** The calendar date the invoice is due, YYYY-MM-DD, or null (migration 0256). */
  due_date: ColumnType<string | null, string | null | undefined, string | null>;
  finalized_at: Timestamp | null;
  paid_at: Timestamp | null;
  voided_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface InvoiceLinesTable {
  id: string;
  invoice_id: string;
  position: number;
  description: string;
  quantity: number;
  unit_amount: Amount;
  amount: Amount;
}

export interface PaymentsTable {
  id: string;
  tenant_id: string;
  invoice_id: string;
  connection_id: string;
  provider_payment_id: string;
  checkout_session_id: string | null;
  amount: Amount;
  currency: string;
  paid_at: Timestamp;
  source_event_id: string;
  /** Minor units refunded from this payment so far (pending and succeeded refunds). */
  refunded_amount: ColumnType<number | string, number | undefined, number>;
  created_at: CreatedAt;
}

export interface InvoiceTimelineTable {
  id: string;
  invoice_id: string;
  kind: string;
  message: string;
  stripe_event_id: string | null;
  dedupe_key: string | null;
  at: Timestamp;
}

export interface MailMessagesTable {
  id: string;
  tenant_id: string;
  invoice_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  /** The HTML alternative, or null for mail written before migration 0257 (sent as text only). */
  html_body: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'payment_link' or 'receipt'; null before migration 0257. At most one receipt per invoice. */
  kind: ColumnType<string | null, string | null | undefined, string | null>;
  status: MailStatus;
  transport: string | null;
  attempts: Counter;
  last_error: string | null;
  message_id: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

/** The billing tables, merged into the store's `Database` type. */
export interface BillingTables {
  customers: CustomersTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
  invoice_timeline: InvoiceTimelineTable;
  mail_messages: MailMessagesTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type InvoiceLineRow = Selectable<InvoiceLinesTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type TimelineRow = Selectable<InvoiceTimelineTable>;
export type MailRow = Selectable<MailMessagesTable>;
