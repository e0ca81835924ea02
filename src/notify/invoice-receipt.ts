import type { AppContext } from '../context';
import { newId } from '../ids';
import { findCustomer, findInvoice, listInvoiceLines, listInvoicePayments } from '../store/invoices';
import { insertReceiptOnce } from '../store/mail-messages';
import { findTenant } from '../store/tenants';
import { composeReceiptMail } from './invoice-mail';
import type { Mailer } from './mailer';

/**
 * The `mail.receipt` job: writes the paid invoice's receipt into the outbox (once per invoice, held
 * by a unique index) and delivers it. Running it again — a duplicated event's job, a retry after an
 * SMTP failure — finds the same receipt and only retries its delivery, which skips a sent one.
 * Returns the receipt's id, or undefined when the invoice was never paid.
 */
export async function sendInvoiceReceipt(ctx: AppContext, mailer: Mailer, invoiceId: string): Promise<string | undefined> {
  const db = ctx.store.db;
  const invoice = await findInvoice(db, invoiceId);
  if (!invoice || !invoice.paid_at) return undefined;
  const [customer, lines, payments, tenant] = await Promise.all([
    findCustomer(db, invoice.customer_id),
    listInvoiceLines(db, invoice.id),
    listInvoicePayments(db, invoice.id),
    findTenant(db, invoice.tenant_id),
  ]);
  if (!customer || payments.length === 0) return undefined;
  const mail = composeReceiptMail({ invoice, customer, tenantName: tenant?.name ?? 'Your supplier', lines, payments });
  const receipt = await insertReceiptOnce(db, {
    id: newId('mail'),
    tenant_id: invoice.tenant_id,
    invoice_id: invoice.id,
    to_address: customer.email,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
    created_at: ctx.now(),
  });
  await mailer.deliver(receipt.id);
  return receipt.id;
}
