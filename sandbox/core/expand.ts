import { invalidRequest } from './errors';
import { clone, isRecord, type Json, type StripeObject } from './json';
import type { ApiContext } from './resource';

const MAX_DEPTH = 4;

/**
 * Applies `expand[]` to a response: an id string becomes the object it names (same account and
 * mode), `data.` walks into lists, and resources may offer fields that exist only when expanded
 * (a checkout session's `line_items`). Works on a copy, never on stored objects.
 */
export function applyExpand(result: Json, paths: readonly string[], ctx: ApiContext): Json {
  let out = clone(result);
  for (const path of paths) {
    // A search result's count is computed by the route itself when asked for (core/search.ts).
    if (path === 'total_count' && out.object === 'search_result') continue;
    const parts = path.split('.');
    if (parts.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`, undefined, 'expand');
    }
    out = expandNode(out, parts, path, ctx) as Json;
  }
  return out;
}

function cannotExpand(path: string) {
  return invalidRequest(`This property cannot be expanded (${path}).`, undefined, 'expand');
}

function virtualField(node: Json, field: string, ctx: ApiContext): Json | undefined {
  if (typeof node.object !== 'string' || typeof node.id !== 'string') return undefined;
  for (const resource of ctx.sandbox.resources) {
    const expander = resource.virtualFields?.[node.object]?.[field];
    if (expander) return expander(node as StripeObject, ctx);
  }
  return undefined;
}

function expandNode(node: unknown, parts: string[], path: string, ctx: ApiContext): unknown {
  if (Array.isArray(node)) return node.map((item) => expandNode(item, parts, path, ctx));
  if (!isRecord(node)) throw cannotExpand(path);
  const [head, ...rest] = parts;
  if (head === undefined) return node;
  let value: unknown;
  if (!(head in node)) {
    value = virtualField(node, head, ctx);
    if (value === undefined) throw cannotExpand(path);
  } else {
    value = node[head];
    if (value === null) return node;
    if (typeof value === 'string') {
      const found = ctx.sandbox.store.getAny(ctx.scope, value);
      if (found) value = clone(found);
      else if (!/^[a-z]+_\w+$/.test(value)) throw cannotExpand(path);
    } else if (typeof value !== 'object') {
      throw cannotExpand(path);
    }
  }
  node[head] = rest.length > 0 && value !== null && typeof value === 'object' ? expandNode(value, rest, path, ctx) : value;
  return node;
}
