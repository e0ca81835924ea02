import { invalidRequest, noSuch, unknownParam } from '../core/errors';
import { newId, randomToken } from '../core/ids';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalBoolean,
  optionalEnum,
  optionalRecord,
  optionalString,
  rangeFilter,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { CONFIRMABLE, confirmSetupIntent } from '../payments/setup-engine';
import { findCustomer } from './customers';
import { methodTypes } from './payment-intents';
import { createMandate } from './mandates';
import { paymentMethodFromData, resolvePaymentMethod } from './payment-methods';

const USAGES = ['off_session', 'on_session'] as const;

function findSetupIntent(ctx: ApiContext, id: string): StripeObject {
  const seti = ctx.sandbox.store.get(ctx.scope, 'setup_intent', id);
  if (!seti) throw noSuch('setupintent', id);
  return seti;
}

function requestedPaymentMethod(ctx: ApiContext): StripeObject | undefined {
  const pmId = optionalString(ctx.params, 'payment_method');
  const data = optionalRecord(ctx.params, 'payment_method_data');
  if (pmId && data)
    throw invalidRequest('You cannot provide both `payment_method` and `payment_method_data`.', undefined, 'payment_method_data');
  if (data) return paymentMethodFromData(ctx, data, 'payment_method_data');
  return pmId ? resolvePaymentMethod(ctx, pmId) : undefined;
}

function confirmWithParams(ctx: ApiContext, seti: StripeObject, pm: StripeObject | undefined): void {
  const chosen = pm ?? (seti.payment_method ? ctx.sandbox.store.get(ctx.scope, 'payment_method', String(seti.payment_method)) : undefined);
  if (!chosen)
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      'setup_intent_unexpected_state',
    );
  const mandateData = optionalRecord(ctx.params, 'mandate_data');
  if (mandateData) seti.mandate = createMandate(ctx, chosen, mandateData).id;
  confirmSetupIntent(ctx, seti, chosen, optionalString(ctx.params, 'return_url') ?? null);
}

export const setupIntents: Resource = {
  name: 'setup_intents',
  routes: [
    {
      method: 'POST',
      path: '/v1/setup_intents',
      permission: write('setup_intent'),
      params: [
        'customer',
        'description',
        'metadata',
        'payment_method',
        'payment_method_data',
        'payment_method_types',
        'allowed_payment_method_types',
        'usage',
        'confirm',
        'return_url',
        'mandate_data',
        'automatic_payment_methods',
      ],
      handle(ctx) {
        const customerId = optionalString(ctx.params, 'customer');
        if (customerId) findCustomer(ctx, customerId, 'customer');
        const confirm = optionalBoolean(ctx.params, 'confirm') ?? false;
        if (!confirm)
          for (const name of ['mandate_data', 'return_url'])
            if (ctx.params[name] !== undefined)
              throw invalidRequest(`You can only pass \`${name}\` when \`confirm\` is true.`, undefined, name);
        const types = methodTypes(ctx.params);
        const id = newId('seti', 24);
        const seti: StripeObject = {
          id,
          object: 'setup_intent',
          application: null,
          automatic_payment_methods: types ? null : { allow_redirects: 'always', enabled: true },
          cancellation_reason: null,
          client_secret: `${id}_secret_${randomToken(32)}`,
          created: ctx.sandbox.clock.now(),
          customer: customerId ?? null,
          description: optionalString(ctx.params, 'description') ?? null,
          excluded_payment_method_types: null,
          flow_directions: null,
          last_setup_error: null,
          latest_attempt: null,
          livemode: ctx.scope.livemode,
          mandate: null,
          metadata: applyMetadata({}, ctx.params),
          next_action: null,
          on_behalf_of: null,
          payment_method: null,
          payment_method_configuration_details: null,
          payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
          payment_method_types: types ?? ['card'],
          single_use_mandate: null,
          status: 'requires_payment_method',
          usage: optionalEnum(ctx.params, 'usage', USAGES) ?? 'off_session',
        };
        const automatic = optionalRecord(ctx.params, 'automatic_payment_methods');
        if (automatic) {
          for (const key of Object.keys(automatic))
            if (key !== 'enabled' && key !== 'allow_redirects') throw unknownParam(`automatic_payment_methods[${key}]`);
          const enabled = optionalBoolean(automatic, 'enabled', 'automatic_payment_methods[enabled]') ?? true;
          const redirects = optionalEnum(
            automatic,
            'allow_redirects',
            ['always', 'never'] as const,
            'automatic_payment_methods[allow_redirects]',
          );
          seti.automatic_payment_methods = enabled ? { allow_redirects: redirects ?? 'always', enabled } : { enabled };
        }
        const pm = requestedPaymentMethod(ctx);
        if (pm) Object.assign(seti, { payment_method: pm.id, status: 'requires_confirmation' });
        ctx.sandbox.store.insert(ctx.scope, seti);
        ctx.sandbox.emit(ctx.scope, 'setup_intent.created', seti, { request: ctx.request });
        if (confirm) confirmWithParams(ctx, seti, pm);
        return seti;
      },
    },
    {
      method: 'GET',
      path: '/v1/setup_intents/:id',
      permission: read('setup_intent'),
      params: ['client_secret'],
      handle: (ctx) => findSetupIntent(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/setup_intents/:id',
      permission: write('setup_intent'),
      params: [
        'customer',
        'description',
        'metadata',
        'payment_method',
        'payment_method_data',
        'payment_method_types',
        'allowed_payment_method_types',
      ],
      handle(ctx) {
        // Stripe has no `setup_intent.updated` event: an update changes the object silently.
        const seti = findSetupIntent(ctx, ctx.path.id!);
        if (!CONFIRMABLE.includes(String(seti.status)))
          throw invalidRequest(
            `You cannot update this SetupIntent because it has a status of ${String(seti.status)}.`,
            'setup_intent_unexpected_state',
          );
        const customerId = optionalString(ctx.params, 'customer');
        if (customerId) seti.customer = findCustomer(ctx, customerId, 'customer').id;
        const description = unsettableString(ctx.params, 'description');
        if (description !== undefined) seti.description = description;
        const types = methodTypes(ctx.params);
        if (types) seti.payment_method_types = types;
        const pm = requestedPaymentMethod(ctx);
        if (pm) Object.assign(seti, { payment_method: pm.id, status: 'requires_confirmation' });
        seti.metadata = applyMetadata(seti.metadata as Record<string, string>, ctx.params);
        return seti;
      },
    },
    {
      method: 'POST',
      path: '/v1/setup_intents/:id/confirm',
      permission: write('setup_intent'),
      params: ['payment_method', 'payment_method_data', 'return_url', 'mandate_data'],
      handle(ctx) {
        const seti = findSetupIntent(ctx, ctx.path.id!);
        confirmWithParams(ctx, seti, requestedPaymentMethod(ctx));
        return seti;
      },
    },
    {
      method: 'POST',
      path: '/v1/setup_intents/:id/cancel',
      permission: write('setup_intent'),
      params: ['cancellation_reason'],
      handle(ctx) {
        const seti = findSetupIntent(ctx, ctx.path.id!);
        if (!CONFIRMABLE.includes(String(seti.status)))
          throw invalidRequest(
            `You cannot cancel this SetupIntent because it has a status of ${String(seti.status)}. Only a SetupIntent with one of the following statuses may be canceled: ${CONFIRMABLE.join(', ')}.`,
            'setup_intent_unexpected_state',
          );
        const reason = optionalEnum(ctx.params, 'cancellation_reason', ['abandoned', 'duplicate', 'requested_by_customer'] as const);
        Object.assign(seti, { status: 'canceled', cancellation_reason: reason ?? null, next_action: null });
        ctx.sandbox.emit(ctx.scope, 'setup_intent.canceled', seti, { request: ctx.request });
        return seti;
      },
    },
    {
      method: 'GET',
      path: '/v1/setup_intents',
      permission: read('setup_intent'),
      params: ['limit', 'starting_after', 'ending_before', 'customer', 'payment_method', 'created'],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const pm = optionalString(ctx.params, 'payment_method');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'setup_intent',
          (s) => (!customer || s.customer === customer) && (!pm || s.payment_method === pm) && created(Number(s.created)),
        );
        return paginate(items, ctx.params, '/v1/setup_intents', 'setupintent');
      },
    },
  ],
};
