import { noSuch } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import { isRecord, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalBoolean, optionalRecord, optionalString, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { findCustomer } from './customers';

// The customer portal: configurations say what a customer may do; a session is a short-lived
// link to the sandbox's portal page (hosted/portal-page.ts) for one customer.

function features(raw: Json | undefined, current?: Json): Json {
  const base: Json = current ?? {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, options: [] },
      enabled: true,
      mode: 'at_period_end',
      proration_behavior: 'none',
    },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: ['price'],
      enabled: true,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
  if (!raw) return base;
  const out: Json = structuredClone(base);
  for (const [name, value] of Object.entries(raw)) {
    if (!isRecord(value) || !isRecord(out[name])) continue;
    const target = out[name] as Json;
    for (const [key, field] of Object.entries(value)) {
      if (field === 'true' || field === 'false') target[key] = field === 'true';
      else if (key === 'products' && Array.isArray(field))
        target.products = field.map((p) => (isRecord(p) ? { prices: p.prices ?? [], product: p.product } : p));
      else target[key] = field;
    }
  }
  return out;
}

function buildConfiguration(ctx: ApiContext, params: Json, isDefault: boolean): StripeObject {
  const now = ctx.sandbox.clock.now();
  const profile = optionalRecord(params, 'business_profile') ?? {};
  return ctx.sandbox.store.insert(ctx.scope, {
    id: newId('bpc', 24),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: {
      headline: optionalString(profile, 'headline', 'business_profile[headline]') ?? null,
      privacy_policy_url: optionalString(profile, 'privacy_policy_url', 'business_profile[privacy_policy_url]') ?? null,
      terms_of_service_url: optionalString(profile, 'terms_of_service_url', 'business_profile[terms_of_service_url]') ?? null,
    },
    created: now,
    default_return_url: optionalString(params, 'default_return_url') ?? null,
    features: features(optionalRecord(params, 'features')),
    is_default: isDefault,
    livemode: ctx.scope.livemode,
    login_page: { enabled: false, url: null },
    metadata: applyMetadata({}, params),
    name: optionalString(params, 'name') ?? null,
    updated: now,
  });
}

function findConfiguration(ctx: ApiContext, id: string, param = 'configuration'): StripeObject {
  const config = ctx.sandbox.store.get(ctx.scope, 'billing_portal.configuration', id);
  if (!config) throw noSuch('billing_portal.configuration', id, param);
  return config;
}

/** Stripe keeps one default configuration per account (made in the Dashboard); the sandbox makes it on first use. */
function defaultConfiguration(ctx: ApiContext): StripeObject {
  const [existing] = ctx.sandbox.store.list(ctx.scope, 'billing_portal.configuration', (c) => c.is_default === true);
  return existing ?? buildConfiguration(ctx, {}, true);
}

export const billingPortal: Resource = {
  name: 'billing_portal',
  routes: [
    {
      method: 'POST',
      path: '/v1/billing_portal/configurations',
      permission: write('billing_portal_configuration'),
      params: ['features', 'business_profile', 'default_return_url', 'login_page', 'metadata', 'name'],
      handle(ctx) {
        const config = buildConfiguration(ctx, ctx.params, false);
        ctx.sandbox.emit(ctx.scope, 'billing_portal.configuration.created', config, { request: ctx.request });
        return config;
      },
    },
    {
      method: 'GET',
      path: '/v1/billing_portal/configurations/:id',
      permission: read('billing_portal_configuration'),
      params: [],
      handle: (ctx) => findConfiguration(ctx, ctx.path.id!, 'id'),
    },
    {
      method: 'POST',
      path: '/v1/billing_portal/configurations/:id',
      permission: write('billing_portal_configuration'),
      params: ['active', 'features', 'business_profile', 'default_return_url', 'login_page', 'metadata', 'name'],
      handle(ctx) {
        const config = findConfiguration(ctx, ctx.path.id!, 'id');
        const active = optionalBoolean(ctx.params, 'active');
        if (active !== undefined) config.active = active;
        const featureParams = optionalRecord(ctx.params, 'features');
        if (featureParams) config.features = features(featureParams, config.features as Json);
        const returnUrl = optionalString(ctx.params, 'default_return_url');
        if (returnUrl !== undefined) config.default_return_url = returnUrl || null;
        config.metadata = applyMetadata(config.metadata as Record<string, string>, ctx.params);
        config.updated = ctx.sandbox.clock.now();
        ctx.sandbox.emit(ctx.scope, 'billing_portal.configuration.updated', config, { request: ctx.request });
        return config;
      },
    },
    {
      method: 'GET',
      path: '/v1/billing_portal/configurations',
      permission: read('billing_portal_configuration'),
      params: ['limit', 'starting_after', 'ending_before', 'active', 'is_default'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const isDefault = optionalBoolean(ctx.params, 'is_default');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'billing_portal.configuration',
          (c) => (active === undefined || c.active === active) && (isDefault === undefined || c.is_default === isDefault),
        );
        return paginate(items, ctx.params, '/v1/billing_portal/configurations', 'billing_portal.configuration');
      },
    },
    {
      method: 'POST',
      path: '/v1/billing_portal/sessions',
      permission: write('billing_portal_session'),
      params: ['customer', 'configuration', 'return_url', 'locale', 'flow_data', 'on_behalf_of'],
      handle(ctx) {
        const customer = findCustomer(ctx, requiredString(ctx.params, 'customer'), 'customer');
        const configId = optionalString(ctx.params, 'configuration');
        const config = configId ? findConfiguration(ctx, configId) : defaultConfiguration(ctx);
        const id = newId('bps', 24);
        // The URL carries a secret, as Stripe's does: knowing the session id alone opens nothing.
        const secret = randomToken(32);
        ctx.sandbox.store.setRelated(secret, 'portal_session', id);
        return ctx.sandbox.store.insert(ctx.scope, {
          id,
          object: 'billing_portal.session',
          configuration: config.id,
          created: ctx.sandbox.clock.now(),
          customer: customer.id,
          customer_account: null,
          flow: null,
          livemode: ctx.scope.livemode,
          locale: optionalString(ctx.params, 'locale') ?? null,
          on_behalf_of: null,
          return_url: optionalString(ctx.params, 'return_url') ?? (config.default_return_url as string | null),
          url: `${ctx.sandbox.baseUrl}/billing_portal/${secret}`,
        });
      },
    },
  ],
};
