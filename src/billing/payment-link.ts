import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { payableMetadata } from '../domain/paybridge-metadata';
import { AppError } from '../errors';
import type { ConnectionRow } from '../store/schema';
import type { CustomerRow, InvoiceLineRow, InvoiceRow } from '../store/invoices-schema';
import { describeStripeError, fromStripeError } from '../stripe/stripe-errors';

/** Stripe accepts at most 20 line items on a payment link; longer invoices become one summary line. */
const MAX_LINK_LINES = 20;

export function stripeFor(ctx: AppContext, connection: ConnectionRow): Stripe {
  return ctx.stripe(ctx.secrets.open(connection.secret_key_sealed, bindingFor('connections', connection.id)));
}

/**
 * The metadata that ties Stripe objects back to the invoice: the tenant and the payable
 * (src/domain/paybridge-metadata.ts), which route the link's payments to the invoices module.
 * `invoice_id`/`customer_id` are what SPEC F8 names; `paybridge_invoice_id` stays for readers that
 * knew only it (dashboards, Stripe searches set up by operators).
 */
export function invoiceMetadata(invoice: InvoiceRow, customer: CustomerRow): Record<string, string> {
  const metadata: Record<string, string> = {
    ...payableMetadata(invoice.tenant_id, { type: 'invoice', id: invoice.id }),
    paybridge_invoice_id: invoice.id,
    invoice_id: invoice.id,
    customer_id: customer.id,
  };
  if (invoice.external_id) metadata.invoice_external_id = invoice.external_id;
  return metadata;
}

/** Idempotency keys derive from the invoice id, so a finalize retried after any crash replays, never duplicates. */
export function linkIdempotencyKey(invoiceId: string): string {
  return `paybridge:${invoiceId}:payment_link`;
}

function priceIdempotencyKey(invoiceId: string, index: number): string {
  return `paybridge:${invoiceId}:price:${index}`;
}

function stripeFailure(error: unknown, doing: string): AppError {
  const failure = describeStripeError(error);
  if (failure.kind === 'permission') {
    return new AppError({
      code: 'stripe_permission_missing',
      status: 422,
      message: `The connection's key may not do this while ${doing}${failure.permission ? ` (Stripe needs ${failure.permission})` : ''}. Grant the permission to the restricted key in Stripe Dashboard → Developers → API keys, then try again.`,
      cause: error,
    });
  }
  if (failure.kind === 'authentication') {
    return new AppError({
      code: 'key_rejected_by_stripe',
      status: 422,
      message: `Stripe rejected the connection's key while ${doing}. Rotate the key (PATCH the connection's secret_key).`,
      cause: error,
    });
  }
  return fromStripeError(error, doing);
}

/**
 * Creates the invoice's prices and payment link in the tenant's account. Payment links take only
 * `price` ids on Stripe itself, so each line becomes an ad-hoc price first. Every call carries an
 * Idempotency-Key derived from the invoice: calling this again (a retried finalize after a crash
 * between Stripe's answer and our write) returns the very same link.
 */
export async function createInvoicePaymentLink(
  ctx: AppContext,
  connection: ConnectionRow,
  invoice: InvoiceRow,
  customer: CustomerRow,
  lines: InvoiceLineRow[],
): Promise<{ id: string; url: string }> {
  const stripe = stripeFor(ctx, connection);
  const metadata = invoiceMetadata(invoice, customer);
  const currency = invoice.currency.toLowerCase();
  const label = invoice.external_id ? `Invoice ${invoice.external_id}` : `Invoice ${invoice.id}`;
  const items =
    lines.length <= MAX_LINK_LINES
      ? lines.map((line) => ({ name: line.description, unitAmount: Number(line.unit_amount), quantity: line.quantity }))
      : [{ name: `${label} (${lines.length} items)`, unitAmount: Number(invoice.amount_due), quantity: 1 }];
  try {
    const lineItems: Stripe.PaymentLinkCreateParams.LineItem[] = [];
    for (const [index, item] of items.entries()) {
      const price = await stripe.prices.create(
        { currency, unit_amount: item.unitAmount, product_data: { name: item.name.slice(0, 250), metadata }, metadata },
        { idempotencyKey: priceIdempotencyKey(invoice.id, index) },
      );
      lineItems.push({ price: price.id, quantity: item.quantity });
    }
    const link = await stripe.paymentLinks.create(
      {
        line_items: lineItems,
        metadata,
        payment_intent_data: { metadata, description: label },
        after_completion: { type: 'hosted_confirmation', hosted_confirmation: { custom_message: `Thank you, ${label} is paid.` } },
        // Stripe itself refuses a second payment, even if the payment event that would make Paybridge
        // deactivate the link is late or lost; deactivation and the second-payment flag stay as fallback.
        restrictions: { completed_sessions: { limit: 1 } },
      },
      { idempotencyKey: linkIdempotencyKey(invoice.id) },
    );
    return { id: link.id, url: link.url };
  } catch (error) {
    throw stripeFailure(error, `creating the payment link for ${invoice.id}`);
  }
}

/** Turns the link off so the customer cannot pay twice. Idempotent: an inactive or deleted link is fine. */
export async function deactivatePaymentLink(
  ctx: AppContext,
  connection: ConnectionRow,
  linkId: string,
): Promise<'deactivated' | 'missing'> {
  try {
    await stripeFor(ctx, connection).paymentLinks.update(linkId, { active: false });
    return 'deactivated';
  } catch (error) {
    if (describeStripeError(error).kind === 'not_found') return 'missing';
    throw stripeFailure(error, `deactivating payment link ${linkId}`);
  }
}
