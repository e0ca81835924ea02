import { clone, isRecord, type Json, type StripeObject } from './json';

/**
 * Stripe's `previous_attributes` for an `*.updated` event: the old values of changed top-level
 * fields; for `metadata`, only the changed keys (a removed or changed key shows its old value,
 * an added key shows null).
 */
export function previousAttributes(before: Json, after: StripeObject): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (JSON.stringify(old) === JSON.stringify(value)) continue;
    if (key === 'metadata' && isRecord(old) && isRecord(value)) {
      const changed: Json = {};
      for (const k of new Set([...Object.keys(old), ...Object.keys(value)])) {
        if (old[k] !== value[k]) changed[k] = old[k] ?? null;
      }
      out.metadata = changed;
    } else {
      out[key] = old === undefined ? null : clone(old);
    }
  }
  return out;
}

/** Snapshot before an in-place update, for `previousAttributes`. */
export function snapshot(object: StripeObject): Json {
  return clone(object);
}

/** What Stripe answers for a deleted object, on delete and on every later retrieve. */
export function deletionStub(object: StripeObject): Json {
  return { id: object.id, object: object.object, deleted: true };
}
