import { invalidRequest, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { clone, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { optionalString, requiredInteger } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub } from '../core/updates';
import { SECONDS_PER_DAY } from '../billing/calendar';
import { runBillingUntil } from '../billing/scheduler';

// Stripe's test clocks: customers created on a clock live in its frozen time, and advancing it
// runs their renewals, trial ends and retries in order (billing/scheduler.ts).

const OBJECT = 'test_helpers.test_clock';
// Stripe deletes a test clock (and its customers) 30 days after creation.
const LIFETIME = 30 * SECONDS_PER_DAY;

export function findTestClock(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const clock = ctx.sandbox.store.get(ctx.scope, OBJECT, id);
  if (!clock || clock.deleted) throw noSuch('test_clock', id, param);
  return clock;
}

/** The sandbox-clock second in which each test clock last finished advancing (not part of the object). */
const lastAdvanced = new WeakMap<StripeObject, number>();

/**
 * Stripe takes seconds to advance a test clock, so the events of two advances never share a second
 * of `created`. The sandbox advances at once; without this wait, a renewal that fails and the retry
 * that pays it, run by two advances moments apart, would emit `past_due` and `active` in the same
 * second, and a receiver ordering versions by `created` could not tell which came last.
 */
function waitForNextSecond(ctx: ApiContext): number {
  const clock = ctx.sandbox.store.get(ctx.scope, OBJECT, ctx.path.id!);
  const last = clock ? lastAdvanced.get(clock) : undefined;
  const nowMs = ctx.sandbox.clock.nowMs();
  if (last === undefined || Math.floor(nowMs / 1000) > last) return 0;
  return (last + 1) * 1000 - nowMs + 1;
}

function advance(ctx: ApiContext, clock: StripeObject): StripeObject {
  const target = requiredInteger(ctx.params, 'frozen_time');
  if (target <= Number(clock.frozen_time))
    throw invalidRequest("The frozen_time must be after the test clock's current frozen_time.", undefined, 'frozen_time');
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: target } };
  ctx.sandbox.emit(ctx.scope, 'test_helpers.test_clock.advancing', clock, { request: ctx.request });
  // Stripe answers while still advancing; the sandbox does the work before answering, so the
  // answer shows `advancing` and the next retrieve (what callers poll) already shows `ready`.
  const answer = clone(clock);
  runBillingUntil(ctx.sandbox, clock.id, target, (at) => {
    clock.frozen_time = at;
  });
  Object.assign(clock, { frozen_time: target, status: 'ready', status_details: {} });
  ctx.sandbox.emit(ctx.scope, 'test_helpers.test_clock.ready', clock);
  lastAdvanced.set(clock, ctx.sandbox.clock.now());
  return answer;
}

export const testClocks: Resource = {
  name: 'test_clocks',
  routes: [
    {
      method: 'POST',
      path: '/v1/test_helpers/test_clocks',
      permission: write('test_clock'),
      params: ['frozen_time', 'name'],
      handle(ctx) {
        const now = ctx.sandbox.clock.now();
        const clock: StripeObject = {
          id: newId('clock', 24),
          object: OBJECT,
          created: now,
          deletes_after: now + LIFETIME,
          frozen_time: requiredInteger(ctx.params, 'frozen_time'),
          livemode: ctx.scope.livemode,
          name: optionalString(ctx.params, 'name') ?? null,
          status: 'ready',
          status_details: {},
        };
        if (ctx.scope.livemode) throw invalidRequest('Test clocks are only available in test mode.');
        ctx.sandbox.store.insert(ctx.scope, clock);
        ctx.sandbox.emit(ctx.scope, 'test_helpers.test_clock.created', clock, { request: ctx.request });
        return clock;
      },
    },
    {
      method: 'GET',
      path: '/v1/test_helpers/test_clocks/:id',
      permission: read('test_clock'),
      params: [],
      handle(ctx) {
        const clock = ctx.sandbox.store.get(ctx.scope, OBJECT, ctx.path.id!);
        if (!clock) throw noSuch('test_clock', ctx.path.id!);
        return clock.deleted ? deletionStub(clock) : clock;
      },
    },
    {
      method: 'POST',
      path: '/v1/test_helpers/test_clocks/:id/advance',
      permission: write('test_clock'),
      params: ['frozen_time'],
      delayMs: waitForNextSecond,
      handle: (ctx) => advance(ctx, findTestClock(ctx, ctx.path.id!)),
    },
    {
      method: 'DELETE',
      path: '/v1/test_helpers/test_clocks/:id',
      permission: write('test_clock'),
      params: [],
      handle(ctx) {
        const clock = findTestClock(ctx, ctx.path.id!);
        // Deleting a clock deletes the customers on it (and so their subscriptions), as on Stripe.
        for (const customer of ctx.sandbox.store.list(ctx.scope, 'customer', (c) => c.test_clock === clock.id && !c.deleted)) {
          for (const sub of ctx.sandbox.store.list(ctx.scope, 'subscription', (s) => s.customer === customer.id))
            ctx.sandbox.store.delete(sub.id);
          customer.deleted = true;
        }
        ctx.sandbox.emit(ctx.scope, 'test_helpers.test_clock.deleted', clock, { request: ctx.request });
        clock.deleted = true;
        return deletionStub(clock);
      },
    },
    {
      method: 'GET',
      path: '/v1/test_helpers/test_clocks',
      permission: read('test_clock'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle(ctx) {
        const items = ctx.sandbox.store.list(ctx.scope, OBJECT, (c) => !c.deleted);
        return paginate(items, ctx.params, '/v1/test_helpers/test_clocks', 'test_clock');
      },
    },
  ],
};
