import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../resources/index';
import { paramsInterfaces, sdkInterfaceFor } from '../testing/sdk-params';

/**
 * Routes whose SDK interface does not follow the SDK's naming rule (`sdkInterfaceFor`).
 * Key: "METHOD path"; value: [.d.ts file, interface].
 */
const OVERRIDES: Record<string, [string, string]> = {
  'GET /v1/account': ['Accounts.d.ts', 'AccountRetrieveCurrentParams'],
  'GET /v1/balance': ['Balance.d.ts', 'BalanceRetrieveParams'],
  // Billing (issue 14 part A): SDK method names that differ from the route's words.
  'DELETE /v1/customers/:id/discount': ['Customers.d.ts', 'CustomerDeleteDiscountParams'],
  'DELETE /v1/subscriptions/:id': ['Subscriptions.d.ts', 'SubscriptionCancelParams'],
  'DELETE /v1/subscriptions/:id/discount': ['Subscriptions.d.ts', 'SubscriptionDeleteDiscountParams'],
  'POST /v1/invoices/create_preview': ['Invoices.d.ts', 'InvoiceCreatePreviewParams'],
  // `GET /v1/invoices/upcoming` is the older API's preview; the sandbox takes create_preview's parameters.
  'GET /v1/invoices/upcoming': ['Invoices.d.ts', 'InvoiceCreatePreviewParams'],
  'POST /v1/invoices/:id/finalize': ['Invoices.d.ts', 'InvoiceFinalizeInvoiceParams'],
  'POST /v1/invoices/:id/void': ['Invoices.d.ts', 'InvoiceVoidInvoiceParams'],
  'POST /v1/invoices/:id/send': ['Invoices.d.ts', 'InvoiceSendInvoiceParams'],
  'GET /v1/invoices/:id/lines': ['Invoices.d.ts', 'InvoiceListLineItemsParams'],
  'POST /v1/invoiceitems': ['InvoiceItems.d.ts', 'InvoiceItemCreateParams'],
  'GET /v1/invoiceitems/:id': ['InvoiceItems.d.ts', 'InvoiceItemRetrieveParams'],
  'POST /v1/invoiceitems/:id': ['InvoiceItems.d.ts', 'InvoiceItemUpdateParams'],
  'DELETE /v1/invoiceitems/:id': ['InvoiceItems.d.ts', 'InvoiceItemDeleteParams'],
  'GET /v1/invoiceitems': ['InvoiceItems.d.ts', 'InvoiceItemListParams'],
  'POST /v1/credit_notes/:id/void': ['CreditNotes.d.ts', 'CreditNoteVoidCreditNoteParams'],
  'GET /v1/credit_notes/:id/lines': ['CreditNotes.d.ts', 'CreditNoteListLineItemsParams'],
  'GET /v1/products/search': ['Products.d.ts', 'ProductSearchParams'],
  'GET /v1/prices/search': ['Prices.d.ts', 'PriceSearchParams'],
};

/**
 * Parameters the sandbox accepts that the bundled SDK no longer lists, because Stripe still takes
 * them under older API versions that integrations pin. Each needs a reason.
 */
const OLDER_API_VERSIONS: Record<string, string[]> = {
  // Renamed to allowed_payment_method_types in 2026-10-28; older versions send payment_method_types.
  'POST /v1/payment_intents': ['payment_method_types'],
  'POST /v1/payment_intents/:id': ['payment_method_types'],
  'POST /v1/payment_intents/:id/confirm': ['payment_method_types'],
  'POST /v1/setup_intents': ['payment_method_types'],
  'POST /v1/setup_intents/:id': ['payment_method_types'],
  'POST /v1/checkout/sessions': ['payment_method_types'],
  // Discounts were `coupon` / `promotion_code` before the `discounts` array replaced them (2025).
  'POST /v1/customers': ['coupon', 'promotion_code'],
  'POST /v1/customers/:id': ['coupon', 'promotion_code'],
  'POST /v1/subscriptions': ['coupon', 'promotion_code'],
  'POST /v1/subscriptions/:id': ['coupon', 'promotion_code'],
  // Not in the bundled SDK's SubscriptionItemCreateParams; older API versions send it.
  'POST /v1/subscription_items': ['off_session'],
  // Promotion codes named their coupon at the top level before `promotion[coupon]`.
  'POST /v1/promotion_codes': ['coupon'],
  // Invoice items took `price` before `pricing[price]`.
  'POST /v1/invoiceitems': ['price'],
};

describe("every route's parameters are parameters Stripe accepts (checked against the SDK's .d.ts)", () => {
  const routes = RESOURCES.flatMap((resource) => resource.routes);

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (key, route) => {
    const [file, name] = OVERRIDES[key] ?? Object.values(sdkInterfaceFor(route.method, route.path));
    const known = paramsInterfaces(file!).get(name!);
    expect(known, `no ${name} in ${file}: add an override for ${key}`).toBeDefined();
    const allowed = new Set([...known!, ...(OLDER_API_VERSIONS[key] ?? [])]);
    const strangers = route.params.filter((param) => !allowed.has(param));
    expect(strangers, `${key} accepts parameters Stripe does not`).toEqual([]);
  });
});
