import { createInvoiceInput } from '../billing/invoice-input';
import {
  finalizeInvoice,
  listInvoicePage,
  requireInvoice,
  viewInvoice,
  viewInvoices,
  createInvoice,
  voidInvoice,
} from '../billing/invoice-service';
import type { InvoiceView } from '../billing/invoice-view';
import { validationError } from '../http/error-handler';
import { pageOf } from '../http/cursor';
import { INVOICE_STATUSES } from './invoices-command';
import { pageOptions, statusOption } from './list-options';
import { printJson, printTable, withContext } from './with-context';

function printInvoice(view: InvoiceView, json?: boolean): void {
  if (json) return printJson(view);
  const lines = [
    `${view.id}${view.external_id ? ` (${view.external_id})` : ''}  ${view.status}  ${view.currency} ${view.amount_due_display}`,
    `  customer:      ${view.customer.email}${view.customer.name ? ` (${view.customer.name})` : ''}`,
    `  connection:    ${view.connection_id}`,
    `  payment link:  ${view.payment_link_url ?? '-'}${view.payment_link_url && !view.payment_link_active ? ' (inactive)' : ''}`,
    'lines:',
    ...view.lines.map((line) => `  ${line.quantity} × ${line.unit_amount}  ${line.description}  = ${line.amount_display}`),
    `payments (${view.payments.length}):`,
    ...view.payments.map((payment) => `  ${payment.id}  ${payment.currency} ${payment.amount_display}  paid ${payment.paid_at}`),
    'timeline:',
    ...view.timeline.map((entry) => `  ${entry.at}  ${entry.kind}  ${entry.message}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface ListOptions {
  tenant: string;
  status?: string;
  connection?: string;
  externalId?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

export const list = (options: ListOptions) =>
  withContext(async (ctx) => {
    const status = statusOption(options.status, INVOICE_STATUSES);
    const { limit, before } = pageOptions(options);
    const rows = await listInvoicePage(
      ctx,
      { tenantId: options.tenant, status, connectionId: options.connection, externalId: options.externalId },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: row.created_at, id: row.id }));
    const views = await viewInvoices(ctx.store.db, page.rows);
    if (options.json) return printJson({ data: views, next_cursor: page.nextCursor });
    printTable(
      views.map((view) => ({ ...view, amount: `${view.currency} ${view.amount_due_display}`, customer: view.customer.email })),
      ['id', 'external_id', 'status', 'amount', 'customer', 'created_at'],
    );
    if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
  });

export const show = (id: string, options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => printInvoice(await viewInvoice(ctx.store.db, await requireInvoice(ctx, options.tenant, id)), options.json));

/** "2x1500:Consulting hour" → one line of 2 at 1500 minor units. */
function parseLine(text: string): { description: string; quantity: number; unit_amount: number } {
  const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*:\s*(.+)$/.exec(text);
  if (!match)
    throw new Error(`--line "${text}" must read quantity x unit amount in minor units : description, e.g. "2x1500:Consulting hour"`);
  return { quantity: Number(match[1]), unit_amount: Number(match[2]), description: match[3]! };
}

interface CreateOptions {
  tenant: string;
  connection: string;
  email: string;
  name: string;
  currency: string;
  line: string[];
  externalId?: string;
  json?: boolean;
}

export const create = (options: CreateOptions) =>
  withContext(async (ctx) => {
    const parsed = createInvoiceInput.safeParse({
      connection_id: options.connection,
      customer: { email: options.email, name: options.name },
      currency: options.currency,
      lines: options.line.map(parseLine),
      external_id: options.externalId,
    });
    if (!parsed.success) throw validationError(parsed.error);
    printInvoice(await createInvoice(ctx, options.tenant, parsed.data), options.json);
  });

export const finalize = (id: string, options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => printInvoice(await finalizeInvoice(ctx, options.tenant, id), options.json));

export const voidOne = (id: string, options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => printInvoice(await voidInvoice(ctx, options.tenant, id), options.json));
