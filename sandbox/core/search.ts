import { invalidRequest } from './errors';
import type { Json, StripeObject } from './json';
import { optionalInteger, optionalStringArray, requiredString } from './params';

// Stripe's Search API (`GET /v1/<objects>/search`): a query of `field:'value'` clauses joined all by
// AND or all by OR (Stripe refuses a mix), a `page` token instead of ids, and `total_count` only
// when the caller expands it. The sandbox understands exact-match clauses on top-level fields and
// `metadata['key']`; anything else is refused with a message naming what it supports.

type Clause = { path: string[]; value: string };

const CLAUSE = /^(?:metadata\[(['"])([^'"]+)\1\]|([a-z_]+)):(['"])(.*)\4$/;

function parseQuery(query: string, fields: readonly string[]): { join: 'AND' | 'OR'; clauses: Clause[] } {
  const hasAnd = / AND /.test(query);
  const hasOr = / OR /.test(query);
  if (hasAnd && hasOr) throw invalidRequest('Search queries cannot mix AND and OR.', 'parameter_invalid_string' as string, 'query');
  const join = hasOr ? 'OR' : 'AND';
  const clauses = query.split(` ${join} `).map((raw) => {
    const match = CLAUSE.exec(raw.trim());
    const field = match?.[3];
    if (!match || (field && !fields.includes(field))) {
      throw invalidRequest(
        `The sandbox's search understands exact-match clauses on ${fields.join(', ')} and metadata['key'] (e.g. active:'true'); could not read "${raw.trim()}".`,
        'parameter_invalid_string' as string,
        'query',
      );
    }
    return { path: field ? [field] : ['metadata', match[2]!], value: match[5]! };
  });
  return { join, clauses };
}

function matches(object: StripeObject, clause: Clause): boolean {
  let value: unknown = object;
  for (const key of clause.path) value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  if (value === null || value === undefined) return false;
  return String(value) === clause.value;
}

/** A search result page over newest-first `items`; `page` is the offset of the next page, opaque to callers. */
export function search(items: StripeObject[], params: Json, url: string, fields: readonly string[]): Json {
  const { join, clauses } = parseQuery(requiredString(params, 'query'), fields);
  const found = items.filter((item) =>
    join === 'AND' ? clauses.every((clause) => matches(item, clause)) : clauses.some((clause) => matches(item, clause)),
  );
  const limit = optionalInteger(params, 'limit', 'limit', 1) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'parameter_invalid_integer', 'limit');
  const token = typeof params.page === 'string' ? params.page : undefined;
  const offset = token ? Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw invalidRequest('Invalid page token.', 'parameter_invalid_string' as string, 'page');
  const data = found.slice(offset, offset + limit);
  const hasMore = found.length > offset + limit;
  const result: Json = {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url,
  };
  if (optionalStringArray(params, 'expand')?.includes('total_count')) result.total_count = found.length;
  return result;
}
