import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalInteger,
  optionalRecord,
  optionalString,
  rangeFilter,
  requiredString,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub, previousAttributes, snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { addItemToInvoice, removeItemFromInvoice } from '../billing/invoice-build';
import { findInvoice } from './invoices';
import { findCustomer } from './customers';
import { buildPrice, findPrice } from './prices';

// Invoice items: one-off charges that wait (pending) for the customer's next invoice, or go
// straight onto a draft invoice given as `invoice`.

export function findInvoiceItem(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const item = ctx.sandbox.store.get(ctx.scope, 'invoiceitem', id);
  if (!item || item.deleted) throw noSuch('invoiceitem', id, param);
  return item;
}

/** The price behind `pricing[price]`, `price` (older API) or `price_data`, if any. */
function priceFrom(ctx: ApiContext, params: Json): StripeObject | null {
  const pricing = optionalRecord(params, 'pricing');
  const priceId = (pricing ? optionalString(pricing, 'price', 'pricing[price]') : undefined) ?? optionalString(params, 'price');
  if (priceId) return findPrice(ctx, priceId, 'pricing[price]');
  const data = optionalRecord(params, 'price_data');
  return data ? buildPrice(ctx, data, 'price_data', { inline: true }) : null;
}

function setAmount(item: StripeObject, price: StripeObject | null, params: Json): void {
  const quantity = optionalInteger(params, 'quantity', 'quantity', 0) ?? Number(item.quantity ?? 1);
  const amount = optionalInteger(params, 'amount');
  const unit = price ? Number(price.unit_amount) : undefined;
  if (amount === undefined && unit === undefined && item.amount === undefined) throw missingParam('amount');
  item.quantity = quantity;
  item.quantity_decimal = String(quantity);
  if (price) {
    item.amount = Number(unit) * quantity;
    item.pricing = {
      price_details: { price: price.id, product: String(price.product) },
      type: 'price_details',
      unit_amount_decimal: String(unit),
    };
  } else if (amount !== undefined) {
    item.amount = amount;
    item.pricing = { price_details: null, type: 'price_details', unit_amount_decimal: String(amount) };
  }
  item.net_amount = item.amount;
}

export const invoiceItems: Resource = {
  name: 'invoice_items',
  routes: [
    {
      method: 'POST',
      path: '/v1/invoiceitems',
      permission: write('invoice'),
      params: [
        'customer',
        'amount',
        'currency',
        'description',
        'quantity',
        'invoice',
        'subscription',
        'period',
        'metadata',
        'discountable',
        'discounts',
        'price',
        'price_data',
        'pricing',
        'unit_amount_decimal',
        'tax_behavior',
        'tax_rates',
      ],
      handle(ctx) {
        const customer = findCustomer(ctx, requiredString(ctx.params, 'customer'), 'customer');
        const at = billingNow(ctx.sandbox, ctx.scope, customer.id);
        const invoiceId = optionalString(ctx.params, 'invoice');
        const invoice = invoiceId ? findInvoice(ctx, invoiceId, 'invoice') : undefined;
        if (invoice && invoice.status !== 'draft')
          throw invalidRequest(
            `Invoice ${invoice.id} is ${String(invoice.status)}; items can only be added to a draft invoice.`,
            undefined,
            'invoice',
          );
        const price = priceFrom(ctx, ctx.params);
        const currency = (
          optionalString(ctx.params, 'currency') ??
          (price ? String(price.currency) : undefined) ??
          (invoice ? String(invoice.currency) : undefined)
        )?.toLowerCase();
        if (!currency) throw missingParam('currency');
        const period = optionalRecord(ctx.params, 'period');
        const subscription = optionalString(ctx.params, 'subscription') ?? null;
        const item: StripeObject = {
          id: newId('ii', 24),
          object: 'invoiceitem',
          currency,
          customer: customer.id,
          customer_account: null,
          date: at,
          description: optionalString(ctx.params, 'description') ?? null,
          discountable: optionalBoolean(ctx.params, 'discountable') ?? true,
          discounts: [],
          invoice: null,
          livemode: ctx.scope.livemode,
          metadata: applyMetadata({}, ctx.params),
          parent: subscription ? { subscription_details: { subscription }, type: 'subscription_details' } : null,
          period: {
            end: (period && optionalInteger(period, 'end', 'period[end]')) ?? at,
            start: (period && optionalInteger(period, 'start', 'period[start]')) ?? at,
          },
          proration: false,
          tax_rates: [],
          test_clock: customer.test_clock ?? null,
        };
        setAmount(item, price, ctx.params);
        ctx.sandbox.store.insert(ctx.scope, item);
        if (invoice) addItemToInvoice(ctx, invoice, item);
        ctx.sandbox.emit(ctx.scope, 'invoiceitem.created', item, { request: ctx.request });
        return item;
      },
    },
    {
      method: 'GET',
      path: '/v1/invoiceitems/:id',
      permission: read('invoice'),
      params: [],
      handle(ctx) {
        const item = ctx.sandbox.store.get(ctx.scope, 'invoiceitem', ctx.path.id!);
        if (!item) throw noSuch('invoiceitem', ctx.path.id!);
        return item.deleted ? deletionStub(item) : item;
      },
    },
    {
      method: 'POST',
      path: '/v1/invoiceitems/:id',
      permission: write('invoice'),
      params: [
        'amount',
        'description',
        'quantity',
        'metadata',
        'discountable',
        'period',
        'price_data',
        'pricing',
        'tax_rates',
        'discounts',
      ],
      handle(ctx) {
        const item = findInvoiceItem(ctx, ctx.path.id!);
        const invoice = item.invoice ? ctx.sandbox.store.get(ctx.scope, 'invoice', String(item.invoice)) : undefined;
        if (invoice && invoice.status !== 'draft')
          throw invalidRequest(`The invoice item is on invoice ${invoice.id}, which is no longer a draft.`, undefined, 'id');
        const before = snapshot(item);
        const description = unsettableString(ctx.params, 'description');
        if (description !== undefined) item.description = description;
        const discountable = optionalBoolean(ctx.params, 'discountable');
        if (discountable !== undefined) item.discountable = discountable;
        setAmount(item, priceFrom(ctx, ctx.params), ctx.params);
        item.metadata = applyMetadata(item.metadata as Record<string, string>, ctx.params);
        if (invoice) {
          removeItemFromInvoice(ctx, invoice, item);
          addItemToInvoice(ctx, invoice, item);
        }
        const previous = previousAttributes(before, item);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'invoiceitem.updated', item, { previousAttributes: previous, request: ctx.request });
        return item;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/invoiceitems/:id',
      permission: write('invoice'),
      params: [],
      handle(ctx) {
        const item = findInvoiceItem(ctx, ctx.path.id!);
        const invoice = item.invoice ? ctx.sandbox.store.get(ctx.scope, 'invoice', String(item.invoice)) : undefined;
        if (invoice && invoice.status !== 'draft')
          throw invalidRequest(`The invoice item is on invoice ${invoice.id}, which is no longer a draft.`, undefined, 'id');
        if (invoice) removeItemFromInvoice(ctx, invoice, item);
        ctx.sandbox.emit(ctx.scope, 'invoiceitem.deleted', item, { request: ctx.request });
        item.deleted = true;
        return deletionStub(item);
      },
    },
    {
      method: 'GET',
      path: '/v1/invoiceitems',
      permission: read('invoice'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'invoice', 'pending', 'created'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const invoice = optionalString(ctx.params, 'invoice');
        const pending = optionalBoolean(ctx.params, 'pending');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'invoiceitem',
          (i) =>
            !i.deleted &&
            (!customer || i.customer === customer) &&
            (!invoice || i.invoice === invoice) &&
            (pending === undefined || (i.invoice === null) === pending) &&
            created(Number(i.date)),
        );
        return paginate(items, ctx.params, '/v1/invoiceitems', 'invoiceitem');
      },
    },
  ],
};
