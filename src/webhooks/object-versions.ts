import { isDeepStrictEqual } from 'node:util';

/**
 * How Paybridge orders versions of one Stripe object when events arrive late, twice or shuffled.
 * Newer means: a later event `created`; within the same second, a later lifecycle stage; then the
 * event whose `previous_attributes` describe the other's values; then the larger event id. The
 * result depends only on the two versions, never on arrival order, so every permutation of a
 * sequence ends in the same state.
 */
export interface ObjectVersion {
  created: number;
  eventId: string;
  object: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  deleted: boolean;
}

const ranks: Record<string, Record<string, number>> = {
  payment_intent: {
    requires_payment_method: 10,
    requires_confirmation: 20,
    requires_action: 30,
    processing: 40,
    requires_capture: 50,
    canceled: 90,
    succeeded: 90,
  },
  'checkout.session': { open: 10, complete: 80, expired: 90 },
  subscription: { incomplete: 10, trialing: 20, active: 30, past_due: 40, unpaid: 50, paused: 50, canceled: 90, incomplete_expired: 90 },
  invoice: { draft: 10, open: 20, uncollectible: 30, paid: 90, void: 90 },
  charge: { pending: 10, succeeded: 50, failed: 90 },
  dispute: {
    warning_needs_response: 10,
    warning_under_review: 20,
    needs_response: 30,
    under_review: 40,
    warning_closed: 90,
    won: 90,
    lost: 90,
  },
  // A succeeded refund can still fail later (a closed card account), so `succeeded` sits below the
  // final `failed` and `canceled`: three `failed` versions made in the second of the `succeeded`
  // one must not lose to it on the event-id tie-break.
  refund: { requires_action: 10, pending: 20, succeeded: 80, failed: 90, canceled: 90 },
  payment_link: {},
};

const TERMINAL = 90;

/** Lifecycle position of a version; sub-states that only move forward (payment_status) refine it. */
export function lifecycleRank(object: Record<string, unknown>): number {
  const type = typeof object.object === 'string' ? object.object : '';
  const status = typeof object.status === 'string' ? object.status : '';
  let rank = ranks[type]?.[status] ?? 0;
  if (type === 'checkout.session' && object.payment_status === 'paid') rank += 5;
  if (type === 'charge' && object.refunded === true) rank += 5;
  // A failed attempt returns an intent to requires_payment_method with the error attached: later
  // than the bare created state of the same second.
  if (type === 'payment_intent' && status === 'requires_payment_method' && object.last_payment_error) rank += 5;
  return rank;
}

export function isTerminal(object: Record<string, unknown>): boolean {
  return lifecycleRank(object) >= TERMINAL;
}

/**
 * True when every field named in `previous` holds that value in `object`: `previous` describes
 * `object`. Compared by value, not by text: a version read back from jsonb has its keys reordered.
 * A null in `previous` also matches a field the object does not carry: Stripe says null for a
 * field that had no value (a refund's `failure_reason` before it failed).
 */
function describes(previous: Record<string, unknown> | null, object: Record<string, unknown>): boolean {
  if (!previous) return false;
  const keys = Object.keys(previous);
  return keys.length > 0 && keys.every((key) => isDeepStrictEqual(previous[key], object[key] === undefined ? null : object[key]));
}

/** Whether `incoming` should replace `stored`. */
export function isNewerVersion(incoming: ObjectVersion, stored: ObjectVersion): boolean {
  if (stored.deleted) return false; // a deleted object never comes back from a late update
  if (incoming.deleted) return true;
  // A terminal state never regresses to an earlier one, whatever the timestamps say.
  if (isTerminal(stored.object) && lifecycleRank(incoming.object) < lifecycleRank(stored.object)) return false;
  // And the mirror case, so the outcome does not depend on arrival order: a terminal version that
  // arrives after a non-terminal one with a later `created` still replaces it.
  if (isTerminal(incoming.object) && lifecycleRank(stored.object) < lifecycleRank(incoming.object)) return true;
  if (incoming.created !== stored.created) return incoming.created > stored.created;
  const rankDelta = lifecycleRank(incoming.object) - lifecycleRank(stored.object);
  if (rankDelta !== 0) return rankDelta > 0;
  if (describes(incoming.previous, stored.object)) return true;
  if (describes(stored.previous, incoming.object)) return false;
  return incoming.eventId > stored.eventId;
}
