import { invalidRequest, noSuch } from './errors';
import type { Json, StripeObject } from './json';
import { optionalInteger, optionalString } from './params';

/**
 * Stripe's list envelope with cursor pagination over newest-first `items`:
 * `limit` 1–100 (default 10), `starting_after` / `ending_before` an id present in the list.
 */
export function paginate(items: StripeObject[], params: Json, url: string, resourceWord: string): Json {
  const limit = optionalInteger(params, 'limit', 'limit', 1) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'parameter_invalid_integer', 'limit');
  const after = optionalString(params, 'starting_after');
  const before = optionalString(params, 'ending_before');
  let data: StripeObject[];
  let hasMore: boolean;
  if (after) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0) throw noSuch(resourceWord, after, 'starting_after');
    const rest = items.slice(index + 1);
    data = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (before) {
    const index = items.findIndex((item) => item.id === before);
    if (index < 0) throw noSuch(resourceWord, before, 'ending_before');
    const head = items.slice(0, index);
    data = head.slice(Math.max(0, head.length - limit));
    hasMore = head.length > limit;
  } else {
    data = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  return { object: 'list', data, has_more: hasMore, url };
}
