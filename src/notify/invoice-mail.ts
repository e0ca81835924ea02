import { formatMinorUnits } from '../money';
import type { CustomerRow, InvoiceRow } from '../store/invoices-schema';

/** The email that carries an invoice's payment link: amount in the currency's own digits, and the link. */
export function composeInvoiceMail(input: { invoice: InvoiceRow; customer: CustomerRow; tenantName: string; linkUrl: string }): {
  subject: string;
  text: string;
} {
  const { invoice, customer, tenantName, linkUrl } = input;
  const amount = `${formatMinorUnits(BigInt(invoice.amount_due), invoice.currency)} ${invoice.currency}`;
  const reference = invoice.external_id ?? invoice.id;
  return {
    subject: `Invoice ${reference} from ${tenantName}: ${amount} due`,
    text: [
      `Hello ${customer.name},`,
      '',
      `${tenantName} has sent you invoice ${reference}.`,
      '',
      `Amount due: ${amount}`,
      '',
      'Pay securely with Stripe:',
      linkUrl,
      '',
      'If you have already paid, you can ignore this message.',
    ].join('\n'),
  };
}
