import { invalidRequest, missingParam } from '../core/errors';
import { newId } from '../core/ids';
import { clone, isRecord, type Json, type StripeObject } from '../core/json';
import { optionalInteger, optionalRecord, optionalString } from '../core/params';
import { sub } from '../core/params-label';
import type { ApiContext } from '../core/resource';
import { buildPrice, findPrice } from '../resources/prices';

/**
 * Parses `line_items[i][price]` or `line_items[i][price_data]` (with `product` or `product_data`)
 * into Stripe's line item objects (`object: "item"`, the price embedded). Inline price data makes
 * an inactive ad-hoc price, as Stripe does.
 */
export function parseLineItems(ctx: ApiContext, raw: unknown[] | undefined, options: { required: boolean }): StripeObject[] {
  if (!raw || raw.length === 0) {
    if (options.required) throw missingParam('line_items');
    return [];
  }
  const items = raw.map((entry, i) => {
    const label = `line_items[${i}]`;
    if (!isRecord(entry)) throw invalidRequest('Invalid object', undefined, label);
    const priceId = optionalString(entry, 'price', sub(label, 'price'));
    const priceData = optionalRecord(entry, 'price_data', sub(label, 'price_data'));
    let price: StripeObject;
    if (priceId) price = findPrice(ctx, priceId, sub(label, 'price'));
    else if (priceData) price = buildPrice(ctx, priceData, sub(label, 'price_data'), { inline: true });
    else throw missingParam(sub(label, 'price'));
    // Ad-hoc prices are inactive by design; only a catalog price must be active.
    if (priceId && price.active === false) {
      throw invalidRequest(`The price specified is inactive. This field only accepts active prices.`, undefined, sub(label, 'price'));
    }
    const quantity = optionalInteger(entry, 'quantity', sub(label, 'quantity'), 1) ?? 1;
    const product = ctx.sandbox.store.get(ctx.scope, 'product', String(price.product));
    const subtotal = Number(price.unit_amount) * quantity;
    const adjustable = optionalRecord(entry, 'adjustable_quantity', sub(label, 'adjustable_quantity'));
    const item: StripeObject = {
      id: newId('li', 24),
      object: 'item',
      adjustable_quantity: adjustable
        ? {
            enabled: adjustable.enabled === 'true',
            maximum: adjustable.maximum ? Number(adjustable.maximum) : null,
            minimum: adjustable.minimum ? Number(adjustable.minimum) : null,
          }
        : null,
      amount_discount: 0,
      amount_subtotal: subtotal,
      amount_tax: 0,
      amount_total: subtotal,
      currency: price.currency,
      description: product ? String(product.name) : null,
      metadata: {},
      price: clone(price),
      quantity,
    };
    return item;
  });
  const currencies = new Set(items.map((item) => item.currency));
  if (currencies.size > 1) throw invalidRequest('All prices must be in the same currency.', undefined, 'line_items');
  return items;
}

export function totals(items: readonly StripeObject[]): { amount: number; currency: string | null } {
  return {
    amount: items.reduce((sum, item) => sum + Number(item.amount_total), 0),
    currency: items[0] ? String(items[0].currency) : null,
  };
}

/** A list envelope over a parent's line items, paginated like any list. */
export function lineItemList(items: readonly StripeObject[], url: string): Json {
  return { object: 'list', data: clone(items), has_more: false, url };
}
