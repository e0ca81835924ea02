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
