import { formatMinorUnits } from '../money';
import type { CustomerRow, InvoiceLineRow, InvoiceRow, PaymentRow } from '../store/invoices-schema';
import { renderMailHtml } from './mail-html';

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const amountOf = (minor: number | bigint | string, currency: string) => `${formatMinorUnits(BigInt(minor), currency)} ${currency}`;

/**
 * The customer's link with their email filled in on the payment page (Stripe payment links take
 * `prefilled_email`), so paying takes one field less.
 */
export function withPrefilledEmail(linkUrl: string, email: string): string {
  try {
    const url = new URL(linkUrl);
    url.searchParams.set('prefilled_email', email);
    return url.toString();
  } catch {
    return linkUrl;
  }
}

/** The email that carries an invoice's payment link: amount in the currency's own digits, and the link. */
export function composeInvoiceMail(input: {
  invoice: InvoiceRow;
  customer: CustomerRow;
  tenantName: string;
  linkUrl: string;
}): ComposedMail {
  const { invoice, customer, tenantName } = input;
  const amount = amountOf(invoice.amount_due, invoice.currency);
  const reference = invoice.external_id ?? invoice.id;
  const link = withPrefilledEmail(input.linkUrl, customer.email);
  const due = invoice.due_date ? [`Due date: ${invoice.due_date}`] : [];
  return {
    subject: `Invoice ${reference} from ${tenantName}: ${amount} due`,
    text: [
      `Hello ${customer.name},`,
      '',
      `${tenantName} has sent you invoice ${reference}.`,
      '',
      `Amount due: ${amount}`,
      ...due,
      '',
      'Pay securely with Stripe:',
      link,
      '',
      'If you have already paid, you can ignore this message.',
    ].join('\n'),
    html: renderMailHtml({
      preview: `${amount} due to ${tenantName}`,
      heading: `Invoice ${reference}`,
      paragraphs: [`Hello ${customer.name},`, `${tenantName} has sent you invoice ${reference}.`],
      facts: [['Amount due', amount], ...(invoice.due_date ? ([['Due date', invoice.due_date]] as [string, string][]) : [])],
      button: { label: `Pay ${amount}`, url: link },
      footer: 'If you have already paid, you can ignore this message. Payments are processed securely by Stripe.',
    }),
  };
}

/** The receipt after payment: what was paid, for what, when, and the payment's reference. */
export function composeReceiptMail(input: {
  invoice: InvoiceRow;
  customer: CustomerRow;
  tenantName: string;
  lines: InvoiceLineRow[];
  payments: PaymentRow[];
}): ComposedMail {
  const { invoice, customer, tenantName } = input;
  const reference = invoice.external_id ?? invoice.id;
  const paid = input.payments.reduce((sum, payment) => sum + BigInt(payment.amount), 0n);
  const amount = amountOf(paid, invoice.currency);
  const paidAt = invoice.paid_at ? `${new Date(invoice.paid_at).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'just now';
  const references = input.payments.map((payment) => payment.provider_payment_id).join(', ');
  const lines = input.lines.map(
    (line) => [`${line.description} × ${line.quantity}`, amountOf(line.amount, invoice.currency)] as [string, string],
  );
  return {
    subject: `Receipt for invoice ${reference} from ${tenantName}: ${amount} paid`,
    text: [
      `Hello ${customer.name},`,
      '',
      `Thank you: ${tenantName} received your payment for invoice ${reference}.`,
      '',
      ...lines.map(([label, value]) => `${label}: ${value}`),
      `Amount paid: ${amount}`,
      `Paid on: ${paidAt}`,
      `Payment reference: ${references}`,
      '',
      'Keep this email as your receipt.',
    ].join('\n'),
    html: renderMailHtml({
      preview: `${amount} paid to ${tenantName}`,
      heading: `Receipt for invoice ${reference}`,
      paragraphs: [`Hello ${customer.name},`, `Thank you: ${tenantName} received your payment for invoice ${reference}.`],
      facts: [...lines, ['Amount paid', amount], ['Paid on', paidAt], ['Payment reference', references]],
      footer: 'Keep this email as your receipt.',
    }),
  };
}
