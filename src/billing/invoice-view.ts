import { z } from '@hono/zod-openapi';
import { formatMinorUnits } from '../money';
import type { Db } from '../store/database';
import { findCustomer, listInvoiceLines, listInvoicePayments, listInvoiceTimeline } from '../store/invoices';
import type { CustomerRow, InvoiceLineRow, InvoiceRow, PaymentRow, TimelineRow } from '../store/invoices-schema';

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

export const paymentView = z
  .object({
    id: z.string(),
    amount: z.number().openapi({ description: 'minor units', example: 2000 }),
    amount_display: z.string().openapi({ example: '20.00' }),
    currency: z.string().openapi({ example: 'USD' }),
    provider_payment_id: z.string().openapi({ example: 'pi_…' }),
    checkout_session_id: z.string().nullable(),
    refunded_amount: z.number().openapi({ description: 'minor units refunded from this payment', example: 0 }),
    paid_at: z.string(),
  })
  .openapi('Payment');

export const invoiceView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    connection_id: z.string(),
    external_id: z.string().nullable(),
    status: z.enum(['draft', 'open', 'paid', 'void', 'refunded']),
    customer: z.object({ id: z.string(), email: z.string(), name: z.string(), external_id: z.string().nullable() }),
    currency: z.string().openapi({ example: 'USD' }),
    amount_due: z.number().openapi({ description: 'minor units', example: 2000 }),
    amount_due_display: z.string().openapi({ example: '20.00' }),
    lines: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        quantity: z.number(),
        unit_amount: z.number(),
        amount: z.number(),
        amount_display: z.string(),
      }),
    ),
    payment_link_id: z.string().nullable(),
    payment_link_url: z.string().nullable(),
    payment_link_active: z.boolean(),
    payments: z.array(paymentView),
    amount_refunded: z.number().openapi({ description: 'minor units refunded across its payments', example: 0 }),
    amount_refunded_display: z.string().openapi({ example: '0.00' }),
    needs_refund_review: z.boolean(),
    review_reason: z.string().nullable(),
    due_date: z.string().nullable().openapi({ description: 'YYYY-MM-DD', example: '2026-12-31' }),
    timeline: z.array(z.object({ kind: z.string(), message: z.string(), stripe_event_id: z.string().nullable(), at: z.string() })),
    finalized_at: z.string().nullable(),
    paid_at: z.string().nullable(),
    voided_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Invoice');

export type InvoiceView = z.infer<typeof invoiceView>;

export interface InvoiceParts {
  invoice: InvoiceRow;
  customer: CustomerRow;
  lines: InvoiceLineRow[];
  payments: PaymentRow[];
  timeline: TimelineRow[];
}

export function toPaymentView(row: PaymentRow) {
  return {
    id: row.id,
    amount: Number(row.amount),
    amount_display: formatMinorUnits(BigInt(row.amount), row.currency),
    currency: row.currency,
    provider_payment_id: row.provider_payment_id,
    checkout_session_id: row.checkout_session_id,
    refunded_amount: Number(row.refunded_amount),
    paid_at: iso(row.paid_at)!,
  };
}

export function toInvoiceView({ invoice, customer, lines, payments, timeline }: InvoiceParts): InvoiceView {
  return {
    id: invoice.id,
    tenant_id: invoice.tenant_id,
    connection_id: invoice.connection_id,
    external_id: invoice.external_id,
    status: invoice.status,
    customer: { id: customer.id, email: customer.email, name: customer.name, external_id: customer.external_id },
    currency: invoice.currency,
    amount_due: Number(invoice.amount_due),
    amount_due_display: formatMinorUnits(BigInt(invoice.amount_due), invoice.currency),
    lines: lines.map((line) => ({
      id: line.id,
      description: line.description,
      quantity: line.quantity,
      unit_amount: Number(line.unit_amount),
      amount: Number(line.amount),
      amount_display: formatMinorUnits(BigInt(line.amount), invoice.currency),
    })),
    payment_link_id: invoice.payment_link_id,
    payment_link_url: invoice.payment_link_url,
    payment_link_active: invoice.payment_link_active,
    payments: payments.map(toPaymentView),
    amount_refunded: Number(invoice.amount_refunded),
    amount_refunded_display: formatMinorUnits(BigInt(invoice.amount_refunded), invoice.currency),
    needs_refund_review: invoice.needs_refund_review,
    review_reason: invoice.review_reason,
    due_date: invoice.due_date ?? null,
    timeline: timeline.map((entry) => ({
      kind: entry.kind,
      message: entry.message,
      stripe_event_id: entry.stripe_event_id,
      at: iso(entry.at)!,
    })),
    finalized_at: iso(invoice.finalized_at),
    paid_at: iso(invoice.paid_at),
    voided_at: iso(invoice.voided_at),
    created_at: iso(invoice.created_at)!,
  };
}

/** The API view of an invoice (also the snapshot its domain events carry). */
export async function viewInvoice(db: Db, invoice: InvoiceRow): Promise<InvoiceView> {
  const [customer, lines, payments, timeline] = await Promise.all([
    findCustomer(db, invoice.customer_id),
    listInvoiceLines(db, invoice.id),
    listInvoicePayments(db, invoice.id),
    listInvoiceTimeline(db, invoice.id),
  ]);
  return toInvoiceView({ invoice, customer: customer!, lines, payments, timeline });
}
