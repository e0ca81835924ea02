import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { isRecord, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalArray, optionalEnum, optionalString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { createSubscription } from '../billing/subscription-create';
import { currentPeriod, subscriptionItems } from '../billing/subscription-items';
import { cancelSubscriptionNow, emitSubscriptionUpdated } from '../billing/subscription-status';
import { findCustomer } from './customers';
import { findSubscription } from './subscriptions';

// Subscription schedules, the part integrations use most: create one (from phases, starting now,
// or around an existing subscription), release it (the subscription carries on alone) or cancel
// it (the subscription ends). Phase transitions at later dates are not driven.

function findSchedule(ctx: ApiContext, id: string): StripeObject {
  const schedule = ctx.sandbox.store.get(ctx.scope, 'subscription_schedule', id);
  if (!schedule) throw noSuch('subscription_schedule', id);
  return schedule;
}

function phaseFrom(sub: StripeObject): Json {
  const period = currentPeriod(sub);
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency: sub.currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: period.end,
    invoice_settings: null,
    items: subscriptionItems(sub).map((item) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: (item.price as Json).id,
      price: (item.price as Json).id,
      quantity: item.quantity,
      tax_rates: [],
    })),
    metadata: {},
    on_behalf_of: null,
    proration_behavior: 'create_prorations',
    start_date: period.start,
    transfer_data: null,
    trial_end: sub.trial_end ?? null,
  };
}

function emitUpdated(ctx: ApiContext, schedule: StripeObject, before: Json): void {
  const previous = previousAttributes(before, schedule);
  if (Object.keys(previous).length > 0)
    ctx.sandbox.emit(ctx.scope, 'subscription_schedule.updated', schedule, { previousAttributes: previous, request: ctx.request });
}

function create(ctx: ApiContext): StripeObject {
  const fromId = optionalString(ctx.params, 'from_subscription');
  let sub: StripeObject;
  if (fromId) {
    sub = findSubscription(ctx, fromId, 'from_subscription');
    if (sub.schedule)
      throw invalidRequest(
        `Subscription ${sub.id} is already managed by schedule ${String(sub.schedule)}.`,
        undefined,
        'from_subscription',
      );
  } else {
    const customer = findCustomer(ctx, optionalString(ctx.params, 'customer') ?? missing('customer'), 'customer');
    const phases = optionalArray(ctx.params, 'phases');
    const first = phases?.[0];
    if (!isRecord(first)) throw missingParam('phases');
    const start = ctx.params.start_date;
    if (start !== undefined && start !== 'now')
      throw invalidRequest('The sandbox starts schedules now only (start_date=now or absent).', undefined, 'start_date');
    sub = createSubscription(ctx, {
      customer: customer.id,
      items: first.items,
      ...(first.trial_end !== undefined ? { trial_end: first.trial_end } : {}),
      ...(first.default_payment_method !== undefined ? { default_payment_method: first.default_payment_method } : {}),
      ...(first.collection_method !== undefined ? { collection_method: first.collection_method } : {}),
      ...(first.metadata !== undefined ? { metadata: first.metadata } : {}),
    });
  }
  const at = billingNow(ctx.sandbox, ctx.scope, String(sub.customer));
  const schedule: StripeObject = {
    id: newId('sub_sched', 24),
    object: 'subscription_schedule',
    application: null,
    billing_mode: { flexible: null, type: 'classic', updated_at: null },
    canceled_at: null,
    completed_at: null,
    created: at,
    current_phase: { end_date: currentPeriod(sub).end, start_date: currentPeriod(sub).start },
    customer: sub.customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: 'automatic',
      billing_thresholds: null,
      collection_method: sub.collection_method,
      default_payment_method: null,
      description: null,
      invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: 'self' } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: optionalEnum(ctx.params, 'end_behavior', ['cancel', 'none', 'release', 'renew'] as const) ?? 'release',
    livemode: ctx.scope.livemode,
    metadata: applyMetadata({}, ctx.params),
    phases: [phaseFrom(sub)],
    released_at: null,
    released_subscription: null,
    status: 'active',
    subscription: sub.id,
    test_clock: sub.test_clock ?? null,
  };
  ctx.sandbox.store.insert(ctx.scope, schedule);
  const before = snapshot(sub);
  sub.schedule = schedule.id;
  ctx.sandbox.emit(ctx.scope, 'subscription_schedule.created', schedule, { request: ctx.request });
  emitSubscriptionUpdated(ctx, sub, before);
  return schedule;
}

function missing(param: string): never {
  throw missingParam(param);
}

function assertActive(schedule: StripeObject, action: string): void {
  if (!['active', 'not_started'].includes(String(schedule.status)))
    throw invalidRequest(`You cannot ${action} a subscription schedule that is ${String(schedule.status)}.`, undefined, 'id');
}

export const subscriptionSchedules: Resource = {
  name: 'subscription_schedules',
  routes: [
    {
      method: 'POST',
      path: '/v1/subscription_schedules',
      permission: write('subscription_schedule'),
      params: ['customer', 'from_subscription', 'phases', 'start_date', 'end_behavior', 'metadata', 'default_settings'],
      handle: create,
    },
    {
      method: 'GET',
      path: '/v1/subscription_schedules/:id',
      permission: read('subscription_schedule'),
      params: [],
      handle: (ctx) => findSchedule(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id',
      permission: write('subscription_schedule'),
      params: ['metadata', 'end_behavior'],
      handle(ctx) {
        const schedule = findSchedule(ctx, ctx.path.id!);
        const before = snapshot(schedule);
        const end = optionalEnum(ctx.params, 'end_behavior', ['cancel', 'none', 'release', 'renew'] as const);
        if (end) schedule.end_behavior = end;
        schedule.metadata = applyMetadata(schedule.metadata as Record<string, string>, ctx.params);
        emitUpdated(ctx, schedule, before);
        return schedule;
      },
    },
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id/release',
      permission: write('subscription_schedule'),
      params: ['preserve_cancel_date'],
      handle(ctx) {
        const schedule = findSchedule(ctx, ctx.path.id!);
        assertActive(schedule, 'release');
        const sub = ctx.sandbox.store.get(ctx.scope, 'subscription', String(schedule.subscription));
        const at = billingNow(ctx.sandbox, ctx.scope, String(schedule.customer));
        Object.assign(schedule, {
          status: 'released',
          released_at: at,
          released_subscription: schedule.subscription,
          subscription: null,
          current_phase: null,
        });
        ctx.sandbox.emit(ctx.scope, 'subscription_schedule.released', schedule, { request: ctx.request });
        if (sub) {
          const before = snapshot(sub);
          sub.schedule = null;
          emitSubscriptionUpdated(ctx, sub, before);
        }
        return schedule;
      },
    },
    {
      method: 'POST',
      path: '/v1/subscription_schedules/:id/cancel',
      permission: write('subscription_schedule'),
      params: ['invoice_now', 'prorate'],
      handle(ctx) {
        const schedule = findSchedule(ctx, ctx.path.id!);
        assertActive(schedule, 'cancel');
        const at = billingNow(ctx.sandbox, ctx.scope, String(schedule.customer));
        const sub = ctx.sandbox.store.get(ctx.scope, 'subscription', String(schedule.subscription));
        Object.assign(schedule, { status: 'canceled', canceled_at: at, current_phase: null });
        if (sub && sub.status !== 'canceled') cancelSubscriptionNow(ctx, sub, at, 'cancellation_requested');
        ctx.sandbox.emit(ctx.scope, 'subscription_schedule.canceled', schedule, { request: ctx.request });
        return schedule;
      },
    },
    {
      method: 'GET',
      path: '/v1/subscription_schedules',
      permission: read('subscription_schedule'),
      params: [
        'limit',
        'starting_after',
        'ending_before',
        'customer',
        'scheduled',
        'created',
        'canceled_at',
        'completed_at',
        'released_at',
      ],
      handle(ctx) {
        const customer = optionalString(ctx.params, 'customer');
        const items = ctx.sandbox.store.list(ctx.scope, 'subscription_schedule', (s) => !customer || s.customer === customer);
        return paginate(items, ctx.params, '/v1/subscription_schedules', 'subscription_schedule');
      },
    },
  ],
};
