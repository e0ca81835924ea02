import type { AppContext } from '../context';
import { countInvoices, searchInvoices, type InvoiceSearch } from '../store/invoice-search';
import { inUnitOfWork } from '../domain/unit-of-work';
import { recordInvoiceEvent } from '../modules/invoices/invoice-events';
import { AppError, invalidField, notFound } from '../errors';
import { newId } from '../ids';
import { insertMail } from '../store/mail-messages';
import { findTenantConnection } from '../store/connections';
import {
  addTimelineEntry,
  findCustomer,
  findCustomerEmails,
  findInvoiceByExternalId,
  findTenantInvoice,
  insertInvoice,
  listInvoiceLines,
  listTenantInvoices,
  loadInvoiceParts,
  lockInvoice,
  updateInvoice,
  upsertCustomer,
} from '../store/invoices';
import type { Db } from '../store/database';
import type { InvoiceRow, InvoiceStatus } from '../store/invoices-schema';
import type { ConnectionRow } from '../store/schema';
import { findTenant } from '../store/tenants';
import { composeInvoiceMail } from '../notify/invoice-mail';
import { totalAmountProblem, unitAmountProblem } from './amount-rules';
import type { CreateInvoiceInput } from './invoice-input';
import { toInvoiceView, viewInvoice, type InvoiceView } from './invoice-view';

// Callers (API routes, dashboard) read invoices from here; the view itself lives with its schema.
export { viewInvoice };
import { createInvoicePaymentLink } from './payment-link';

/** Views of a page of invoices in a constant number of queries (see loadInvoiceParts). */
export async function viewInvoices(db: Db, invoices: InvoiceRow[]): Promise<InvoiceView[]> {
  const parts = await loadInvoiceParts(db, invoices);
  const customers = new Map(parts.customers.map((customer) => [customer.id, customer]));
  const byInvoice = <T extends { invoice_id: string }>(rows: T[]) => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) {
      const list = grouped.get(row.invoice_id);
      if (list) list.push(row);
      else grouped.set(row.invoice_id, [row]);
    }
    return grouped;
  };
  const lines = byInvoice(parts.lines);
  const payments = byInvoice(parts.payments);
  const timeline = byInvoice(parts.timeline);
  return invoices.map((invoice) =>
    toInvoiceView({
      invoice,
      customer: customers.get(invoice.customer_id)!,
      lines: lines.get(invoice.id) ?? [],
      payments: payments.get(invoice.id) ?? [],
      timeline: timeline.get(invoice.id) ?? [],
    }),
  );
}

/** One page of a tenant's invoices, newest first. */
export async function listInvoicePage(
  ctx: AppContext,
  filter: { tenantId: string; status?: InvoiceStatus; connectionId?: string; externalId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<InvoiceRow[]> {
  return listTenantInvoices(ctx.store.db, filter, page);
}

/** The dashboard's invoice list: a page of matches and how many there are (up to `cap`). */
export async function searchInvoicePage(
  ctx: AppContext,
  search: InvoiceSearch,
  page: { limit: number; before?: { at: Date; id: string }; after?: { at: Date; id: string } },
  cap = 10_000,
) {
  const [rows, total] = await Promise.all([searchInvoices(ctx.store.db, search, page), countInvoices(ctx.store.db, search, cap)]);
  return { rows, total };
}

/** The email of each of these customers of the tenant, by customer id (for lists that show who pays). */
export async function customerEmails(ctx: AppContext, tenantId: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  return findCustomerEmails(ctx.store.db, tenantId, customerIds);
}

export async function requireInvoice(ctx: AppContext, tenantId: string, invoiceId: string): Promise<InvoiceRow> {
  const invoice = await findTenantInvoice(ctx.store.db, tenantId, invoiceId);
  if (!invoice) throw notFound('invoice', invoiceId);
  return invoice;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function externalIdTaken(externalId: string, existingId: string | undefined): AppError {
  return new AppError({
    code: 'external_id_taken',
    status: 409,
    field: 'external_id',
    message:
      `This tenant already has invoice ${existingId ?? ''} with external_id "${externalId}". Fetch it (GET …/invoices?external_id=) instead of creating it again, or use another external_id.`.replace(
        '  ',
        ' ',
      ),
  });
}

async function usableConnection(ctx: AppContext, tenantId: string, connectionId: string, field: string): Promise<ConnectionRow> {
  const connection = await findTenantConnection(ctx.store.db, tenantId, connectionId);
  if (!connection)
    throw invalidField(
      field,
      'unknown_connection',
      `No connection ${connectionId} belongs to this tenant. List them with GET /api/v1/tenants/${tenantId}/connections.`,
    );
  if (connection.disconnected_at)
    throw invalidField(
      field,
      'connection_disconnected',
      `Connection ${connectionId} was disconnected; invoices need a connected Stripe account.`,
    );
  return connection;
}

/** Creates a draft invoice (and its customer) after checking every amount against Stripe's rules. */
export async function createInvoice(ctx: AppContext, tenantId: string, input: CreateInvoiceInput): Promise<InvoiceView> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const connection = await usableConnection(ctx, tenantId, input.connection_id, 'connection_id');
  const currency = input.currency;
  let total = 0n;
  const lines = input.lines.map((line, index) => {
    const problem = unitAmountProblem(line.unit_amount, currency);
    if (problem) throw invalidField(`lines.${index}.unit_amount`, 'invalid_amount', `lines[${index}].unit_amount ${problem}.`);
    const amount = BigInt(line.unit_amount) * BigInt(line.quantity);
    total += amount;
    return { description: line.description, quantity: line.quantity, unit_amount: line.unit_amount, amount };
  });
  const totalProblem = totalAmountProblem(total, currency);
  if (totalProblem) throw invalidField('lines', 'invalid_amount', `The invoice cannot be paid through Stripe: ${totalProblem}.`);
  if (input.due_date && input.due_date < ctx.now().toISOString().slice(0, 10))
    throw invalidField('due_date', 'validation_failed', `due_date: ${input.due_date} is in the past; use today or a later day (UTC).`);
  if (input.external_id) {
    const existing = await findInvoiceByExternalId(ctx.store.db, tenantId, input.external_id);
    if (existing) throw externalIdTaken(input.external_id, existing.id);
  }

  try {
    const invoice = await inUnitOfWork(ctx, async (effects) => {
      const { trx, now } = effects;
      const customer = await upsertCustomer(trx, {
        tenantId,
        email: input.customer.email,
        name: input.customer.name,
        externalId: input.customer.external_id ?? null,
        now,
      });
      const row = await insertInvoice(
        trx,
        {
          id: newId('invoice'),
          tenant_id: tenantId,
          connection_id: connection.id,
          customer_id: customer.id,
          external_id: input.external_id ?? null,
          due_date: input.due_date ?? null,
          currency,
          amount_due: Number(total),
          status: 'draft',
          payment_link_id: null,
          payment_link_url: null,
          review_reason: null,
          finalized_at: null,
          paid_at: null,
          voided_at: null,
          created_at: now,
          updated_at: now,
        },
        lines.map((line) => ({ ...line, amount: Number(line.amount) })),
      );
      await addTimelineEntry(trx, { invoiceId: row.id, kind: 'created', message: 'Invoice created as a draft.', at: now });
      await recordInvoiceEvent(effects, 'invoice.created', row);
      return row;
    });
    return await viewInvoice(ctx.store.db, invoice);
  } catch (error) {
    if (isUniqueViolation(error) && input.external_id) throw externalIdTaken(input.external_id, undefined);
    throw error;
  }
}

/**
 * Finalizes a draft: creates the payment link in the tenant's Stripe account (idempotent, see
 * createInvoicePaymentLink), then in one transaction opens the invoice, stores the link and queues
 * the email. The Stripe call happens outside any transaction; mail is sent later by the job runner,
 * so a slow or failing SMTP server never delays or fails this answer.
 */
export async function finalizeInvoice(ctx: AppContext, tenantId: string, invoiceId: string): Promise<InvoiceView> {
  const invoice = await requireInvoice(ctx, tenantId, invoiceId);
  if (invoice.status === 'open' || invoice.status === 'paid') return viewInvoice(ctx.store.db, invoice);
  if (invoice.status === 'void')
    throw new AppError({
      code: 'invoice_void',
      status: 409,
      message: `Invoice ${invoice.id} is void and cannot be finalized. Create a new invoice instead.`,
    });
  const connection = await usableConnection(ctx, tenantId, invoice.connection_id, 'connection_id');
  if (!connection.is_active) {
    throw new AppError({
      code: 'connection_disabled',
      status: 409,
      message: `Connection ${connection.id} is disabled, so its payments would not be processed. Enable it (PATCH is_active: true), then finalize again.`,
    });
  }
  if (!(connection.features as string[]).includes('invoicing')) {
    throw new AppError({
      code: 'invoicing_not_enabled',
      status: 409,
      message: `Connection ${connection.id} does not have the invoicing feature, so payment events for this invoice would be ignored. Add "invoicing" to its features (PATCH features), then finalize again.`,
    });
  }
  const [customer, lines, tenant] = await Promise.all([
    findCustomer(ctx.store.db, invoice.customer_id),
    listInvoiceLines(ctx.store.db, invoice.id),
    findTenant(ctx.store.db, tenantId),
  ]);
  const link = await createInvoicePaymentLink(ctx, connection, invoice, customer!, lines);

  const finalized = await inUnitOfWork(ctx, async (effects) => {
    const { trx, now } = effects;
    const current = (await lockInvoice(trx, tenantId, invoice.id))!;
    if (current.status === 'draft') {
      const opened = (await updateInvoice(trx, current.id, {
        status: 'open',
        payment_link_id: link.id,
        payment_link_url: link.url,
        payment_link_active: true,
        finalized_at: now,
        updated_at: now,
      }))!;
      const mail = composeInvoiceMail({
        invoice: opened,
        customer: customer!,
        tenantName: tenant?.name ?? 'Your supplier',
        linkUrl: link.url,
      });
      const mailRow = await insertMail(trx, {
        id: newId('mail'),
        tenant_id: tenantId,
        invoice_id: opened.id,
        to_address: customer!.email,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
        kind: 'payment_link',
        created_at: now,
      });
      await effects.enqueue('mail.send', { mail_id: mailRow.id }, { dedupeKey: `mail.send:${mailRow.id}` });
      await addTimelineEntry(trx, {
        invoiceId: opened.id,
        kind: 'finalized',
        message: `Finalized; payment link ${link.id} created and the email to ${customer!.email} queued.`,
        at: now,
        dedupeKey: 'finalized',
      });
      await recordInvoiceEvent(effects, 'invoice.finalized', opened);
      return opened;
    }
    if (current.status === 'void' && !current.payment_link_id) {
      // Voided while the link was being created: keep the link on record and switch it off.
      const voided = (await updateInvoice(trx, current.id, {
        payment_link_id: link.id,
        payment_link_url: link.url,
        payment_link_active: true,
        updated_at: now,
      }))!;
      await effects.enqueue('payment_link.deactivate', { invoice_id: current.id }, { dedupeKey: `payment_link.deactivate:${current.id}` });
      return voided;
    }
    return current; // a concurrent finalize got here first with the same link (same idempotency key)
  });
  return viewInvoice(ctx.store.db, finalized);
}

/** Voids a draft or open invoice; an open invoice's link is switched off by a job right after. */
export async function voidInvoice(ctx: AppContext, tenantId: string, invoiceId: string): Promise<InvoiceView> {
  await requireInvoice(ctx, tenantId, invoiceId);
  const row = await inUnitOfWork(ctx, async (effects) => {
    const { trx, now } = effects;
    const current = (await lockInvoice(trx, tenantId, invoiceId))!;
    if (current.status === 'void') return current;
    if (current.status === 'paid') {
      throw new AppError({
        code: 'invoice_paid',
        status: 409,
        message: `Invoice ${current.id} is paid and cannot be voided. Refund the payment in Stripe instead.`,
      });
    }
    const voided = (await updateInvoice(trx, current.id, { status: 'void', voided_at: now, updated_at: now }))!;
    if (voided.payment_link_id && voided.payment_link_active) {
      await effects.enqueue('payment_link.deactivate', { invoice_id: voided.id }, { dedupeKey: `payment_link.deactivate:${voided.id}` });
    }
    await addTimelineEntry(trx, {
      invoiceId: voided.id,
      kind: 'voided',
      message: voided.payment_link_id ? `Voided; payment link ${voided.payment_link_id} is being deactivated.` : 'Voided.',
      at: now,
      dedupeKey: 'voided',
    });
    await recordInvoiceEvent(effects, 'invoice.voided', voided);
    return voided;
  });
  return viewInvoice(ctx.store.db, row);
}
