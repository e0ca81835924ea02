import { noSuch } from '../core/errors';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { optionalBoolean, optionalString, optionalStringArray, rangeFilter } from '../core/params';
import { read, type ApiContext, type Resource } from '../core/resource';
import { EVENT_WINDOW_SECONDS } from '../core/sandbox';

/** `type` may use `*` as a wildcard segment ("charge.*", "checkout.session.*"). */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.]/g, '\\.'))
      .join('.*')}$`,
  );
  return (type) => regex.test(type);
}

function withinWindow(ctx: ApiContext, event: StripeObject): boolean {
  return Number(event.created) > ctx.sandbox.clock.now() - EVENT_WINDOW_SECONDS;
}

export const events: Resource = {
  name: 'events',
  routes: [
    {
      method: 'GET',
      path: '/v1/events/:id',
      permission: read('event'),
      params: [],
      handle(ctx) {
        const event = ctx.sandbox.store.get(ctx.scope, 'event', ctx.path.id!);
        if (!event || !withinWindow(ctx, event)) throw noSuch('event', ctx.path.id!);
        return event;
      },
    },
    {
      method: 'GET',
      path: '/v1/events',
      permission: read('event'),
      params: ['limit', 'starting_after', 'ending_before', 'type', 'types', 'created', 'delivery_success'],
      handle(ctx) {
        const type = optionalString(ctx.params, 'type');
        const types = optionalStringArray(ctx.params, 'types');
        const matchType = type ? typeMatcher(type) : () => true;
        const created = rangeFilter(ctx.params, 'created');
        const delivered = optionalBoolean(ctx.params, 'delivery_success');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'event',
          (e) =>
            withinWindow(ctx, e) &&
            matchType(String(e.type)) &&
            (!types || types.includes(String(e.type))) &&
            created(Number(e.created)) &&
            (delivered === undefined || ctx.sandbox.eventDelivered(e.id) === delivered),
        );
        return paginate(items, ctx.params, '/v1/events', 'event');
      },
    },
  ],
};
