import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { paginate } from '../core/list';
import {
  applyMetadata,
  optionalArray,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalRecord,
  optionalString,
  unsettableString,
} from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { parseLineItems, totals } from '../payments/line-items';
import { sessionLineItems } from './checkout-sessions';

export function findLink(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const link = ctx.sandbox.store.get(ctx.scope, 'payment_link', id);
  if (!link) throw noSuch('payment_link', id, param);
  return link;
}

function afterCompletion(raw: Json | undefined, current: Json | null): Json {
  if (!raw) return current ?? { hosted_confirmation: { custom_message: null }, type: 'hosted_confirmation' };
  const type = optionalEnum(raw, 'type', ['redirect', 'hosted_confirmation'] as const, 'after_completion[type]');
  if (!type) throw missingParam('after_completion[type]');
  if (type === 'redirect') {
    const url = optionalString(
      optionalRecord(raw, 'redirect', 'after_completion[redirect]') ?? {},
      'url',
      'after_completion[redirect][url]',
    );
    if (!url) throw missingParam('after_completion[redirect][url]');
    return { redirect: { url }, type };
  }
  const hosted = optionalRecord(raw, 'hosted_confirmation', 'after_completion[hosted_confirmation]') ?? {};
  return { hosted_confirmation: { custom_message: optionalString(hosted, 'custom_message') ?? null }, type };
}

function intentData(raw: Json | undefined, current: Json | null): Json | null {
  if (!raw) return current;
  const base = current ?? {
    capture_method: null,
    description: null,
    metadata: {},
    setup_future_usage: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_group: null,
  };
  return {
    ...base,
    description: optionalString(raw, 'description', 'payment_intent_data[description]') ?? base.description,
    metadata: applyMetadata(base.metadata as Record<string, string>, raw, 'metadata'),
  };
}

function restrictions(raw: Json | undefined, current: Json | null): Json | null {
  if (raw === undefined) return current;
  const sessions = optionalRecord(raw, 'completed_sessions', 'restrictions[completed_sessions]');
  if (!sessions) return current;
  const limit = optionalInteger(sessions, 'limit', 'restrictions[completed_sessions][limit]', 1);
  if (limit === undefined) throw missingParam('restrictions[completed_sessions][limit]');
  const count = Number(((current?.completed_sessions as Json | undefined)?.count as number | undefined) ?? 0);
  return { completed_sessions: { count, limit } };
}

const CREATE_PARAMS = [
  'line_items',
  'metadata',
  'payment_intent_data',
  'after_completion',
  'allow_promotion_codes',
  'customer_creation',
  'currency',
  'restrictions',
  'inactive_message',
  'billing_address_collection',
  'phone_number_collection',
  'submit_type',
  'payment_method_types',
  'invoice_creation',
  'custom_text',
  'automatic_tax',
  'tax_id_collection',
  'shipping_address_collection',
] as const;

export const paymentLinks: Resource = {
  name: 'payment_links',
  routes: [
    {
      method: 'POST',
      path: '/v1/payment_links',
      permission: write('payment_link'),
      params: CREATE_PARAMS,
      handle(ctx) {
        // Stripe itself takes only `line_items[][price]`; `price_data` is accepted too so an invoice
        // can become a link in one call (Paybridge's F8).
        const items = parseLineItems(ctx, optionalArray(ctx.params, 'line_items'), { required: true });
        const id = newId('plink', 24);
        const link: StripeObject = {
          id,
          object: 'payment_link',
          active: true,
          after_completion: afterCompletion(optionalRecord(ctx.params, 'after_completion'), null),
          allow_promotion_codes: optionalBoolean(ctx.params, 'allow_promotion_codes') ?? false,
          application: null,
          application_fee_amount: null,
          application_fee_percent: null,
          automatic_tax: { enabled: false, liability: null },
          billing_address_collection: 'auto',
          consent_collection: null,
          currency: totals(items).currency,
          custom_fields: [],
          custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
          customer_creation: optionalEnum(ctx.params, 'customer_creation', ['always', 'if_required'] as const) ?? 'if_required',
          inactive_message: optionalString(ctx.params, 'inactive_message') ?? null,
          invoice_creation: {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          },
          livemode: ctx.scope.livemode,
          managed_payments: null,
          metadata: applyMetadata({}, ctx.params),
          on_behalf_of: null,
          payment_intent_data: intentData(optionalRecord(ctx.params, 'payment_intent_data'), null),
          payment_method_collection: 'always',
          payment_method_options: null,
          payment_method_types: null,
          phone_number_collection: { enabled: false },
          restrictions: restrictions(optionalRecord(ctx.params, 'restrictions'), null),
          shipping_address_collection: null,
          shipping_options: [],
          submit_type: 'auto',
          subscription_data: null,
          tax_id_collection: { enabled: false, required: 'never' },
          transfer_data: null,
          url: `${ctx.sandbox.baseUrl}/pay/${id}`,
        };
        ctx.sandbox.store.insert(ctx.scope, link);
        ctx.sandbox.store.setRelated(id, 'line_items', items);
        ctx.sandbox.emit(ctx.scope, 'payment_link.created', link, { request: ctx.request });
        return link;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_links/:id',
      permission: read('payment_link'),
      params: [],
      handle: (ctx) => findLink(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/payment_links/:id',
      permission: write('payment_link'),
      params: [
        'active',
        'metadata',
        'after_completion',
        'payment_intent_data',
        'restrictions',
        'inactive_message',
        'allow_promotion_codes',
        'customer_creation',
        'line_items',
      ],
      handle(ctx) {
        const link = findLink(ctx, ctx.path.id!);
        const before = snapshot(link);
        const active = optionalBoolean(ctx.params, 'active');
        if (active !== undefined) link.active = active;
        link.metadata = applyMetadata(link.metadata as Record<string, string>, ctx.params);
        link.after_completion = afterCompletion(optionalRecord(ctx.params, 'after_completion'), link.after_completion as Json);
        link.payment_intent_data = intentData(optionalRecord(ctx.params, 'payment_intent_data'), link.payment_intent_data as Json | null);
        if (ctx.params.restrictions === '') link.restrictions = null;
        else link.restrictions = restrictions(optionalRecord(ctx.params, 'restrictions'), link.restrictions as Json | null);
        const inactive = unsettableString(ctx.params, 'inactive_message');
        if (inactive !== undefined) link.inactive_message = inactive;
        const promo = optionalBoolean(ctx.params, 'allow_promotion_codes');
        if (promo !== undefined) link.allow_promotion_codes = promo;
        const creation = optionalEnum(ctx.params, 'customer_creation', ['always', 'if_required'] as const);
        if (creation) link.customer_creation = creation;
        const lineUpdates = optionalArray(ctx.params, 'line_items');
        if (lineUpdates) updateQuantities(ctx, link, lineUpdates);
        const previous = previousAttributes(before, link);
        if (Object.keys(previous).length > 0)
          ctx.sandbox.emit(ctx.scope, 'payment_link.updated', link, { previousAttributes: previous, request: ctx.request });
        return link;
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_links/:id/line_items',
      permission: read('payment_link'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const link = findLink(ctx, ctx.path.id!);
        return paginate(sessionLineItems(ctx.sandbox, link.id), ctx.params, `/v1/payment_links/${link.id}/line_items`, 'line item');
      },
    },
    {
      method: 'GET',
      path: '/v1/payment_links',
      permission: read('payment_link'),
      params: ['limit', 'starting_after', 'ending_before', 'active'],
      handle(ctx) {
        const active = optionalBoolean(ctx.params, 'active');
        const items = ctx.sandbox.store.list(ctx.scope, 'payment_link', (l) => active === undefined || l.active === active);
        return paginate(items, ctx.params, '/v1/payment_links', 'payment_link');
      },
    },
  ],
  virtualFields: {
    payment_link: {
      line_items: (link, ctx) => ({
        object: 'list',
        data: sessionLineItems(ctx.sandbox, link.id),
        has_more: false,
        url: `/v1/payment_links/${link.id}/line_items`,
      }),
    },
  },
  onEvent(ctx, event) {
    // A completed session counts toward the link's `restrictions.completed_sessions`; reaching the
    // limit deactivates the link, as Stripe does.
    if (event.type !== 'checkout.session.completed') return;
    const session = (event.data as Json).object as StripeObject;
    if (!session.payment_link) return;
    const link = ctx.sandbox.store.get(ctx.scope, 'payment_link', String(session.payment_link));
    const limits = link?.restrictions as Json | null | undefined;
    const completed = limits?.completed_sessions as Json | undefined;
    if (!link || !completed) return;
    const before = snapshot(link);
    completed.count = Number(completed.count) + 1;
    if (Number(completed.count) >= Number(completed.limit)) link.active = false;
    ctx.sandbox.emit(ctx.scope, 'payment_link.updated', link, { previousAttributes: previousAttributes(before, link) });
  },
};

function updateQuantities(ctx: ApiContext, link: StripeObject, updates: unknown[]): void {
  const items = sessionLineItems(ctx.sandbox, link.id);
  updates.forEach((raw, i) => {
    const entry = raw as Json;
    const id = optionalString(entry, 'id', `line_items[${i}][id]`);
    const item = items.find((candidate) => candidate.id === id);
    if (!item) throw invalidRequest(`No such line item: '${String(id)}'`, 'resource_missing', `line_items[${i}][id]`);
    const quantity = optionalInteger(entry, 'quantity', `line_items[${i}][quantity]`, 1);
    if (quantity !== undefined) {
      item.quantity = quantity;
      const amount = Number((item.price as Json).unit_amount) * quantity;
      Object.assign(item, { amount_subtotal: amount, amount_total: amount });
    }
  });
}
