import { isDeepStrictEqual } from 'node:util';

/**
 * How Paybridge orders versions of one Stripe object when events arrive late, twice or shuffled.
 * Newer means: a later event `created`; within the same second, a later lifecycle stage; then the
 * event whose `previous_attributes` describe the other's values; then the larger event id. The
 * result depends only on the two versions, never on arrival order, so every permutation of a
 * sequence ends in the same state.
 *
 * Subscriptions are the exception within one second (issue 15): their statuses go back and forth
 * (active → past_due → active when a platform pays right after a failed renewal), so no rank orders
 * them. There `orderVersions` says when the versions alone cannot settle it: the stored version
 * stays, the caller re-reads the object from Stripe, and that read (`readVersionId`) wins the tie.
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

/** How `incoming` compares with `stored`. */
export interface VersionOrder {
  readonly newer: boolean;
  /**
   * False when the versions share their `created` second and nothing in them says which came
   * first. `newer` is then false: the stored version stays until Stripe is asked, so no state moves
   * on a guess (a paying customer is not revoked because `past_due` outranks `active`).
   */
  readonly settled: boolean;
}

/**
 * For object types whose statuses go back and forth, the stages their non-terminal statuses only
 * move forward through. Statuses sharing a stage (a subscription's active ↔ past_due ↔ unpaid,
 * active ↔ paused) have no order, so within one second only Stripe can say which came last.
 */
const CYCLING_STAGES: Record<string, Record<string, number>> = {
  subscription: { incomplete: 1, trialing: 2, active: 3, past_due: 3, unpaid: 3, paused: 3 },
};

const READ_PREFIX = 'read_';

/** The version id of an object read from Stripe directly (no event), at `at`: later reads sort later. */
export function readVersionId(at: Date): string {
  return `${READ_PREFIX}${at.getTime()}`;
}

const isRead = (version: ObjectVersion) => version.eventId.startsWith(READ_PREFIX);
const typeOf = (object: Record<string, unknown>) => (typeof object.object === 'string' ? object.object : '');
const stageOf = (object: Record<string, unknown>) => CYCLING_STAGES[typeOf(object)]?.[String(object.status)] ?? 0;
const settled = (newer: boolean): VersionOrder => ({ newer, settled: true });

/** Whether `incoming` should replace `stored` (no, while unsettled; see `orderVersions`). */
export function isNewerVersion(incoming: ObjectVersion, stored: ObjectVersion): boolean {
  return orderVersions(incoming, stored).newer;
}

export function orderVersions(incoming: ObjectVersion, stored: ObjectVersion): VersionOrder {
  if (stored.deleted) return settled(false); // a deleted object never comes back from a late update
  if (incoming.deleted) return settled(true);
  // A terminal state never regresses to an earlier one, whatever the timestamps say.
  if (isTerminal(stored.object) && lifecycleRank(incoming.object) < lifecycleRank(stored.object)) return settled(false);
  // And the mirror case, so the outcome does not depend on arrival order: a terminal version that
  // arrives after a non-terminal one with a later `created` still replaces it.
  if (isTerminal(incoming.object) && lifecycleRank(stored.object) < lifecycleRank(incoming.object)) return settled(true);
  if (incoming.created !== stored.created) return settled(incoming.created > stored.created);
  if (CYCLING_STAGES[typeOf(incoming.object)] && !isTerminal(incoming.object) && !isTerminal(stored.object))
    return cyclingTie(incoming, stored);
  const rankDelta = lifecycleRank(incoming.object) - lifecycleRank(stored.object);
  if (rankDelta !== 0) return settled(rankDelta > 0);
  if (describes(incoming.previous, stored.object)) return settled(true);
  if (describes(stored.previous, incoming.object)) return settled(false);
  return settled(incoming.eventId > stored.eventId);
}

/** Two non-terminal versions of a cycling object (a subscription) made in the same second. */
function cyclingTie(incoming: ObjectVersion, stored: ObjectVersion): VersionOrder {
  const stageDelta = stageOf(incoming.object) - stageOf(stored.object);
  if (stageDelta !== 0) return settled(stageDelta > 0);
  // A read is taken after the events it was asked about were stored, so it is the newer state;
  // two reads are ordered by when they were taken.
  if (isRead(incoming) !== isRead(stored)) return settled(isRead(incoming));
  if (isRead(incoming)) return settled(incoming.eventId > stored.eventId);
  const forward = describes(incoming.previous, stored.object);
  const backward = describes(stored.previous, incoming.object);
  // Each describing the other is a round trip (A → B → A): that says nothing about which came last.
  if (forward !== backward) return settled(forward);
  // Two events with the same object (two event types for one change): the order changes nothing.
  if (isDeepStrictEqual(incoming.object, stored.object)) return settled(incoming.eventId > stored.eventId);
  return { newer: false, settled: false };
}
