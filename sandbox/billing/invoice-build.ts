import { newId } from '../core/ids';
import { clone, type Json, type StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { couponDiscount } from './discount-math';

export interface InvoiceLineInit {
  amount: number;
  currency: string;
  description: string | null;
  period: { start: number; end: number };
  quantity: number;
  price: StripeObject | null;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoiceItem?: string | null;
  metadata?: Record<string, string>;
}

export interface InvoiceInit {
  customer: StripeObject;
  subscription?: StripeObject | null;
  billingReason: 'manual' | 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'subscription';
  collectionMethod: 'charge_automatically' | 'send_invoice';
  daysUntilDue?: number | null;
  autoAdvance: boolean;
  at: number;
  /** Draft invoices with `auto_advance` finalize on their own at this time. */
  finalizesAt?: number | null;
  currency: string;
  lines: InvoiceLineInit[];
  /** Discount ids that apply to the whole invoice. */
  discounts?: string[];
  defaultPaymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  period?: { start: number; end: number };
}

/** A line as Stripe's current API shapes it: the source under `parent`, the price under `pricing`. */
export function buildLine(ctx: ApiContext, invoiceId: string | null, init: InvoiceLineInit): StripeObject {
  const fromItem = Boolean(init.invoiceItem);
  return {
    id: newId('il', 24),
    object: 'line_item',
    amount: init.amount,
    currency: init.currency,
    description: init.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: ctx.scope.livemode,
    metadata: init.metadata ?? {},
    parent: {
      invoice_item_details: fromItem
        ? {
            invoice_item: init.invoiceItem,
            proration: false,
            proration_details: { credited_items: null },
            subscription: init.subscription ?? null,
          }
        : null,
      subscription_item_details: fromItem
        ? null
        : {
            invoice_item: null,
            proration: false,
            proration_details: { credited_items: null },
            subscription: init.subscription ?? null,
            subscription_item: init.subscriptionItem ?? null,
          },
      type: fromItem ? 'invoice_item_details' : 'subscription_item_details',
    },
    period: { ...init.period },
    pretax_credit_amounts: [],
    pricing: init.price
      ? {
          price_details: { price: init.price.id, product: String(init.price.product) },
          type: 'price_details',
          unit_amount_decimal: String(init.price.unit_amount_decimal ?? init.price.unit_amount),
        }
      : null,
    quantity: init.quantity,
    quantity_decimal: String(init.quantity),
    subscription: init.subscription ?? null,
    subtotal: init.amount,
    taxes: [],
  };
}

function discountCoupon(ctx: ApiContext, discountId: string): StripeObject | undefined {
  const discount = ctx.sandbox.store.get(ctx.scope, 'discount', discountId);
  const source = discount?.source as Json | undefined;
  return source ? ctx.sandbox.store.get(ctx.scope, 'coupon', String(source.coupon)) : undefined;
}

/**
 * Recomputes an invoice's amounts from its lines and discounts. Each discount applies to the
 * subtotal left by the ones before it, spread over lines in proportion (integer shares, the
 * remainder on the last line), so line discounts always sum to the invoice's.
 */
export function recomputeInvoice(ctx: ApiContext, invoice: StripeObject): void {
  const lines = (invoice.lines as Json).data as StripeObject[];
  const subtotal = lines.reduce((sum, line) => sum + Number(line.amount), 0);
  const totalDiscounts: Json[] = [];
  let remaining = subtotal;
  for (const line of lines) line.discount_amounts = [];
  for (const discountId of invoice.discounts as string[]) {
    const coupon = discountCoupon(ctx, discountId);
    if (!coupon) continue;
    const amount = couponDiscount(coupon, remaining, String(invoice.currency));
    remaining -= amount;
    totalDiscounts.push({ amount, discount: discountId });
    let spread = 0;
    lines.forEach((line, i) => {
      const share = i === lines.length - 1 ? amount - spread : subtotal === 0 ? 0 : Math.floor((amount * Number(line.amount)) / subtotal);
      spread += share;
      (line.discount_amounts as Json[]).push({ amount: share, discount: discountId });
    });
  }
  const total = remaining;
  const credited = Number(invoice.pre_payment_credit_notes_amount);
  // Customer credit applied at finalization: the balance moves from starting (negative = credit) to ending.
  const applied = Number(invoice.ending_balance ?? invoice.starting_balance) - Number(invoice.starting_balance);
  Object.assign(invoice, {
    subtotal,
    subtotal_excluding_tax: subtotal,
    total_discount_amounts: totalDiscounts,
    total,
    total_excluding_tax: total,
    amount_due: Math.max(0, total - credited - applied),
    amount_remaining: Math.max(0, total - credited - applied - Number(invoice.amount_paid)),
  });
  (invoice.lines as Json).total_count = lines.length;
}

/** A draft invoice with its lines (not stored, no event: callers do both). */
export function buildInvoice(ctx: ApiContext, init: InvoiceInit): StripeObject {
  const customer = init.customer;
  const id = newId('in', 24);
  const subscription = init.subscription ?? null;
  const invoice: StripeObject = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: null,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: init.autoAdvance,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: init.autoAdvance ? (init.finalizesAt ?? null) : null,
    billing_reason: init.billingReason,
    collection_method: init.collectionMethod,
    created: init.at,
    currency: init.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ? clone(customer.address) : null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ? clone(customer.shipping) : null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: [],
    default_payment_method: init.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: init.description ?? null,
    discounts: [...(init.discounts ?? [])],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: ctx.scope.livemode,
    metadata: init.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: clone(subscription.metadata), subscription: subscription.id },
          type: 'subscription_details',
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: init.period?.end ?? init.at,
    period_start: init.period?.start ?? init.at,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: customer.test_clock ?? null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: init.at,
  };
  (invoice.lines as Json).data = init.lines.map((line) => buildLine(ctx, id, line));
  recomputeInvoice(ctx, invoice);
  return invoice;
}

export function invoiceLines(invoice: StripeObject): StripeObject[] {
  return (invoice.lines as Json).data as StripeObject[];
}

/** The subscription an invoice bills, read from `parent.subscription_details` as Stripe now puts it. */
export function invoiceSubscriptionId(invoice: StripeObject): string | null {
  const parent = invoice.parent as Json | null;
  const details = parent?.subscription_details as Json | null | undefined;
  return typeof details?.subscription === 'string' ? details.subscription : null;
}

/** Puts an invoice item on a draft invoice as a line (the item then belongs to that invoice). */
export function addItemToInvoice(ctx: ApiContext, invoice: StripeObject, item: StripeObject): void {
  item.invoice = invoice.id;
  const pricing = item.pricing as Json | null;
  const details = pricing?.price_details as Json | null | undefined;
  const price = details?.price ? ctx.sandbox.store.get(ctx.scope, 'price', String(details.price)) : undefined;
  const parent = item.parent as Json | null;
  const line = buildLine(ctx, invoice.id, {
    amount: Number(item.amount),
    currency: String(item.currency),
    description: (item.description as string | null) ?? null,
    period: item.period as { start: number; end: number },
    quantity: Number(item.quantity),
    price: price ?? null,
    invoiceItem: item.id,
    subscription: ((parent?.subscription_details as Json | undefined)?.subscription as string | undefined) ?? null,
    metadata: { ...(item.metadata as Record<string, string>) },
  });
  invoiceLines(invoice).push(line);
  recomputeInvoice(ctx, invoice);
}

export function removeItemFromInvoice(ctx: ApiContext, invoice: StripeObject, item: StripeObject): void {
  (invoice.lines as Json).data = invoiceLines(invoice).filter(
    (line) => ((line.parent as Json).invoice_item_details as Json | null)?.invoice_item !== item.id,
  );
  recomputeInvoice(ctx, invoice);
}

/** The customer's pending invoice items (not yet on an invoice), oldest first. */
export function pendingInvoiceItems(ctx: ApiContext, customerId: string): StripeObject[] {
  return ctx.sandbox.store.list(ctx.scope, 'invoiceitem', (i) => !i.deleted && i.customer === customerId && i.invoice === null).reverse();
}
