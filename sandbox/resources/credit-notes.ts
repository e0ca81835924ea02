import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { isRecord, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalArray, optionalEnum, optionalInteger, optionalString, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { invoiceLines, recomputeInvoice } from '../billing/invoice-build';
import { findInvoice } from './invoices';

// Credit notes reduce an invoice: before payment (open) they lower what is due; after payment
// (paid) the credit goes to the customer's balance or is recorded as settled outside Stripe.
// Refunding the charge through a credit note is left to the refunds resource (not here).

function findCreditNote(ctx: ApiContext, id: string): StripeObject {
  const note = ctx.sandbox.store.get(ctx.scope, 'credit_note', id);
  if (!note) throw noSuch('credit_note', id);
  return note;
}

/** Already credited on this invoice by notes that are not void. */
function creditedSoFar(ctx: ApiContext, invoice: StripeObject): number {
  return ctx.sandbox.store
    .list(ctx.scope, 'credit_note', (n) => n.invoice === invoice.id && n.status === 'issued')
    .reduce((sum, n) => sum + Number(n.total), 0);
}

function parseLines(ctx: ApiContext, invoice: StripeObject, noteId: string): StripeObject[] {
  const raw = optionalArray(ctx.params, 'lines') ?? [];
  return raw.map((entry, i) => {
    const label = `lines[${i}]`;
    if (!isRecord(entry)) throw invalidRequest('Invalid object', undefined, label);
    const type = optionalEnum(entry, 'type', ['invoice_line_item', 'custom_line_item'] as const, `${label}[type]`);
    if (!type) throw missingParam(`${label}[type]`);
    const quantity = optionalInteger(entry, 'quantity', `${label}[quantity]`, 1) ?? 1;
    let amount: number;
    let description: string | null;
    let invoiceLine: string | null = null;
    let unitAmount: number | null = null;
    if (type === 'invoice_line_item') {
      invoiceLine = requiredString(entry, 'invoice_line_item', `${label}[invoice_line_item]`);
      const line = invoiceLines(invoice).find((l) => l.id === invoiceLine);
      if (!line) throw noSuch('invoice line item', invoiceLine, `${label}[invoice_line_item]`);
      amount =
        optionalInteger(entry, 'amount', `${label}[amount]`, 0) ??
        Math.floor((Number(line.amount) * quantity) / Number(line.quantity || 1));
      description = (line.description as string | null) ?? null;
    } else {
      unitAmount = optionalInteger(entry, 'unit_amount', `${label}[unit_amount]`, 0) ?? missing(`${label}[unit_amount]`);
      amount = unitAmount * quantity;
      description = optionalString(entry, 'description', `${label}[description]`) ?? missing(`${label}[description]`);
    }
    return {
      id: newId('cnli', 24),
      object: 'credit_note_line_item',
      amount,
      description,
      discount_amount: 0,
      discount_amounts: [],
      invoice_line_item: invoiceLine,
      livemode: ctx.scope.livemode,
      metadata: applyMetadata({}, entry),
      pretax_credit_amounts: [],
      quantity,
      tax_rates: [],
      taxes: [],
      type,
      unit_amount: unitAmount,
      unit_amount_decimal: unitAmount === null ? null : String(unitAmount),
      credit_note: noteId,
    };
  });
}

function missing(param: string): never {
  throw missingParam(param);
}

function create(ctx: ApiContext): StripeObject {
  const invoice = findInvoice(ctx, requiredString(ctx.params, 'invoice'), 'invoice');
  if (invoice.status !== 'open' && invoice.status !== 'paid')
    throw invalidRequest(`A credit note needs an open or paid invoice; ${invoice.id} is ${String(invoice.status)}.`, undefined, 'invoice');
  if (optionalInteger(ctx.params, 'refund_amount') || ctx.params.refunds !== undefined)
    throw invalidRequest(
      'The sandbox does not refund through credit notes yet: use credit_amount or out_of_band_amount, or create a refund.',
      undefined,
      'refund_amount',
    );
  const id = newId('cn', 24);
  const lines = parseLines(ctx, invoice, id);
  const amount =
    lines.length > 0 ? lines.reduce((sum, l) => sum + Number(l.amount), 0) : optionalInteger(ctx.params, 'amount', 'amount', 1);
  if (amount === undefined) throw missingParam('amount');
  const creditable = Number(invoice.total) - creditedSoFar(ctx, invoice);
  if (amount > creditable)
    throw invalidRequest(
      `The credit note total (${amount}) exceeds what is left to credit on the invoice (${creditable}).`,
      undefined,
      'amount',
    );
  const prePayment = invoice.status === 'open';
  const at = billingNow(ctx.sandbox, ctx.scope, String(invoice.customer));
  const outOfBand = optionalInteger(ctx.params, 'out_of_band_amount', 'out_of_band_amount', 0) ?? 0;
  const credit = prePayment ? 0 : (optionalInteger(ctx.params, 'credit_amount', 'credit_amount', 0) ?? amount - outOfBand);
  if (!prePayment && credit + outOfBand !== amount)
    throw invalidRequest(`credit_amount + out_of_band_amount must equal the credit note total (${amount}).`, undefined, 'credit_amount');
  const customer = ctx.sandbox.store.get(ctx.scope, 'customer', String(invoice.customer));
  const count = ctx.sandbox.store.list(ctx.scope, 'credit_note', (n) => n.invoice === invoice.id).length;
  const note: StripeObject = {
    id,
    object: 'credit_note',
    amount,
    amount_shipping: 0,
    created: at,
    currency: invoice.currency,
    customer: invoice.customer,
    customer_account: null,
    customer_balance_transaction: credit > 0 ? newId('cbtxn', 24) : null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: at,
    invoice: invoice.id,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: ctx.scope.livemode,
    memo: optionalString(ctx.params, 'memo') ?? null,
    metadata: applyMetadata({}, ctx.params),
    number: `${String(invoice.number)}-CN-${String(count + 1).padStart(2, '0')}`,
    out_of_band_amount: outOfBand || null,
    pdf: `${ctx.sandbox.baseUrl}/credit_notes/${id}/pdf`,
    post_payment_amount: prePayment ? 0 : amount,
    pre_payment_amount: prePayment ? amount : 0,
    pretax_credit_amounts: [],
    reason: optionalEnum(ctx.params, 'reason', ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'] as const) ?? null,
    refunds: [],
    shipping_cost: null,
    status: 'issued',
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    type: prePayment ? 'pre_payment' : 'post_payment',
    voided_at: null,
  };
  for (const line of lines) delete line.credit_note;
  ctx.sandbox.store.insert(ctx.scope, note);
  const before = snapshot(invoice);
  if (prePayment) {
    invoice.pre_payment_credit_notes_amount = Number(invoice.pre_payment_credit_notes_amount) + amount;
    recomputeInvoice(ctx, invoice);
  } else invoice.post_payment_credit_notes_amount = Number(invoice.post_payment_credit_notes_amount) + amount;
  ctx.sandbox.emit(ctx.scope, 'credit_note.created', note, { request: ctx.request });
  ctx.sandbox.emit(ctx.scope, 'invoice.updated', invoice, {
    previousAttributes: previousAttributes(before, invoice),
    request: ctx.request,
  });
  if (customer && credit > 0) {
    // Customer credit is a negative balance, applied to the next invoice at finalization.
    const beforeCustomer = snapshot(customer);
    customer.balance = Number(customer.balance) - credit;
    ctx.sandbox.emit(ctx.scope, 'customer.updated', customer, {
      previousAttributes: previousAttributes(beforeCustomer, customer),
      request: ctx.request,
    });
  }
  if (prePayment && Number(invoice.amount_due) === 0 && invoice.status === 'open') {
    // Fully credited before payment: Stripe marks it paid with nothing collected.
    invoice.status = 'paid';
    invoice.status_transitions = { ...(invoice.status_transitions as Json), paid_at: at };
    ctx.sandbox.emit(ctx.scope, 'invoice.paid', invoice, { request: ctx.request });
  }
  return note;
}

export const creditNotes: Resource = {
  name: 'credit_notes',
  routes: [
    {
      method: 'POST',
      path: '/v1/credit_notes',
      permission: write('credit_note'),
      params: [
        'invoice',
        'amount',
        'lines',
        'credit_amount',
        'out_of_band_amount',
        'refund_amount',
        'refunds',
        'reason',
        'memo',
        'metadata',
        'effective_at',
        'email_type',
      ],
      handle: create,
    },
    {
      method: 'GET',
      path: '/v1/credit_notes/:id',
      permission: read('credit_note'),
      params: [],
      handle: (ctx) => findCreditNote(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/credit_notes/:id',
      permission: write('credit_note'),
      params: ['memo', 'metadata'],
      handle(ctx) {
        const note = findCreditNote(ctx, ctx.path.id!);
        const before = snapshot(note);
        const memo = optionalString(ctx.params, 'memo');
        if (memo !== undefined) note.memo = memo;
        note.metadata = applyMetadata(note.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, note);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'credit_note.updated', note, { previousAttributes: previous, request: ctx.request });
        return note;
      },
    },
    {
      method: 'POST',
      path: '/v1/credit_notes/:id/void',
      permission: write('credit_note'),
      params: [],
      handle(ctx) {
        const note = findCreditNote(ctx, ctx.path.id!);
        if (note.status !== 'issued') throw invalidRequest('This credit note is already void.', undefined, 'id');
        const invoice = findInvoice(ctx, String(note.invoice));
        const customer = ctx.sandbox.store.get(ctx.scope, 'customer', String(note.customer));
        Object.assign(note, { status: 'void', voided_at: billingNow(ctx.sandbox, ctx.scope, String(note.customer)) });
        if (note.type === 'pre_payment' && invoice.status === 'open') {
          invoice.pre_payment_credit_notes_amount = Number(invoice.pre_payment_credit_notes_amount) - Number(note.total);
          recomputeInvoice(ctx, invoice);
        } else if (note.type === 'post_payment') {
          invoice.post_payment_credit_notes_amount = Number(invoice.post_payment_credit_notes_amount) - Number(note.total);
          if (customer && note.customer_balance_transaction)
            customer.balance = Number(customer.balance) + Number(note.total) - Number(note.out_of_band_amount ?? 0);
        }
        ctx.sandbox.emit(ctx.scope, 'credit_note.voided', note, { request: ctx.request });
        return note;
      },
    },
    {
      method: 'GET',
      path: '/v1/credit_notes/:id/lines',
      permission: read('credit_note'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const note = findCreditNote(ctx, ctx.path.id!);
        return paginate(
          (note.lines as Json).data as StripeObject[],
          ctx.params,
          `/v1/credit_notes/${note.id}/lines`,
          'credit note line item',
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/credit_notes',
      permission: read('credit_note'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'invoice', 'created'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const invoice = optionalString(ctx.params, 'invoice');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'credit_note',
          (n) => (!customer || n.customer === customer) && (!invoice || n.invoice === invoice),
        );
        return paginate(items, ctx.params, '/v1/credit_notes', 'credit_note');
      },
    },
  ],
};
