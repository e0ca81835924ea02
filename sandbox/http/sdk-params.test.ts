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
  'DELETE /v1/subscriptions/:id': ['Subscriptions.d.ts', 'SubscriptionCancelParams'],
  'POST /v1/invoices/create_preview': ['Invoices.d.ts', 'InvoiceCreatePreviewParams'],
  // The SDK dropped `upcoming` for `create_preview`; the legacy route is held to the preview's parameters.
  'GET /v1/invoices/upcoming': ['Invoices.d.ts', 'InvoiceCreatePreviewParams'],
  'POST /v1/invoices/:id/finalize': ['Invoices.d.ts', 'InvoiceFinalizeInvoiceParams'],
  'POST /v1/invoices/:id/void': ['Invoices.d.ts', 'InvoiceVoidInvoiceParams'],
  'POST /v1/invoices/:id/send': ['Invoices.d.ts', 'InvoiceSendInvoiceParams'],
  'GET /v1/invoices/:id/lines': ['Invoices.d.ts', 'InvoiceListLineItemsParams'],
  'POST /v1/credit_notes/:id/void': ['CreditNotes.d.ts', 'CreditNoteVoidCreditNoteParams'],
  'GET /v1/credit_notes/:id/lines': ['CreditNotes.d.ts', 'CreditNoteListLineItemsParams'],
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
  // `coupon` and `promotion_code` gave way to `discounts` in newer versions; older ones still send them.
  'POST /v1/customers': ['coupon', 'promotion_code'],
  'POST /v1/customers/:id': ['coupon', 'promotion_code'],
  'POST /v1/subscriptions': ['coupon', 'promotion_code'],
  'POST /v1/subscriptions/:id': ['coupon', 'promotion_code'],
  // Not in the bundled SDK's SubscriptionItemCreateParams; kept as issue 14 part A accepted it.
  'POST /v1/subscription_items': ['off_session'],
  // Newer versions nest it as `promotion[coupon]`.
  'POST /v1/promotion_codes': ['coupon'],
  // Newer versions nest it as `pricing[price]`.
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
