/**
 * One tag per module, chosen by path, in the order the reference lists them. The first rule whose
 * pattern matches wins, so a sub-resource (an invoice's refunds) sits before its parent (invoices).
 * A path no rule knows is tagged by its first segment, so a new route is never left untagged.
 */
const TENANT = '^/api/v1/tenants/\\{tenant_id\\}';

interface TagRule {
  readonly name: string;
  readonly description: string;
  readonly pattern: RegExp;
}

const RULES: readonly TagRule[] = [
  { name: 'Tenants', description: 'Tenants and their API keys.', pattern: new RegExp(`${TENANT}(/api-keys.*)?$|^/api/v1/tenants$`) },
  {
    name: 'Catalog',
    description: "Products and prices imported from a connection's Stripe account.",
    pattern: new RegExp(`${TENANT}/connections/[^/]+/(catalog|products|prices)`),
  },
  {
    name: 'Stripe objects',
    description: 'The newest stored version of any Stripe object a connection sent.',
    pattern: new RegExp(`${TENANT}/connections/[^/]+/objects`),
  },
  {
    name: 'Events',
    description: 'The webhook event log, replay, backfill and refused deliveries.',
    pattern: new RegExp(`${TENANT}/(events|webhook-rejections|connections/[^/]+/backfill)`),
  },
  { name: 'Connections', description: 'Stripe accounts connected to a tenant.', pattern: new RegExp(`${TENANT}/connections`) },
  { name: 'Refunds', description: 'Refunds of paid invoices.', pattern: new RegExp(`${TENANT}/invoices/[^/]+/refunds`) },
  { name: 'Invoices', description: 'Invoices paid through Stripe Payment Links.', pattern: new RegExp(`${TENANT}/invoices`) },
  { name: 'Credits', description: 'Credit balances, grants, debits and holds.', pattern: new RegExp(`${TENANT}/customers/[^/]+/credits`) },
  {
    name: 'Entitlements',
    description: 'What a customer may use, from plans, packages and grants.',
    pattern: new RegExp(`${TENANT}/customers/[^/]+/entitlements`),
  },
  {
    name: 'Subscriptions',
    description: "Subscriptions to plans and Stripe's customer portal.",
    pattern: new RegExp(`${TENANT}/(subscriptions|customers/[^/]+/portal-sessions)`),
  },
  { name: 'Customers', description: "Customers keyed by the platform's external id.", pattern: new RegExp(`${TENANT}/customers`) },
  { name: 'Plans', description: 'Plans: recurring prices with entitlements.', pattern: new RegExp(`${TENANT}/plans`) },
  { name: 'Packages', description: 'One-time packages: top-ups, licenses.', pattern: new RegExp(`${TENANT}/packages`) },
  { name: 'Checkout', description: 'Stripe Checkout sessions for plans and packages.', pattern: new RegExp(`${TENANT}/checkout-sessions`) },
  {
    name: 'Payment requests',
    description: 'One-off payments a flow can wait on.',
    pattern: new RegExp(`${TENANT}/payment-requests`),
  },
  { name: 'Disputes', description: "Disputes on the tenant's connected accounts.", pattern: new RegExp(`${TENANT}/disputes`) },
  {
    name: 'Outbound webhooks',
    description: "The platform's webhook endpoints and their delivery log.",
    pattern: new RegExp(`${TENANT}/(webhook-endpoints|deliveries)`),
  },
  { name: 'Mail', description: 'Mail Paybridge sent or captured.', pattern: new RegExp(`${TENANT}/mail`) },
  {
    name: 'Operations',
    description: 'Liveness, readiness and Prometheus metrics, for load balancers and monitoring; no token.',
    pattern: /^\/(healthz|readyz|metrics)$/,
  },
];

function titleOf(segment: string): string {
  const words = segment.replace(/[-_]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The tag of the module a path belongs to. */
export function tagOf(path: string): string {
  const rule = RULES.find((candidate) => candidate.pattern.test(path));
  if (rule) return rule.name;
  const segments = path.replace(/^\/api\/v1(\/tenants\/\{tenant_id\})?/, '').split('/');
  return titleOf(segments.find((segment) => segment && !segment.startsWith('{')) ?? 'API');
}

/** The tag list of the document, with descriptions, in reading order. */
export function tagList(): { name: string; description: string }[] {
  return RULES.map(({ name, description }) => ({ name, description }));
}
