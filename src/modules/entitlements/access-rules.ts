import type { EntitlementStatus } from '../../store/subscriptions-schema';

/** What a source (a subscription, a package purchase) gives right now, and why. */
export interface Access {
  readonly status: EntitlementStatus;
  /** When access ends without any further event (cancel at period end, grace over, license over); null = no set end. */
  readonly expiresAt: Date | null;
  /** The paid-through date shown as `active_until` when there is no set end (an auto-renewing period). */
  readonly periodEnd: Date | null;
  readonly reason: string;
}

export interface SubscriptionState {
  readonly id: string;
  readonly status: string;
  readonly currentPeriodEnd: Date | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly cancelAt: Date | null;
  readonly pastDueSince: Date | null;
}

const DAY_MS = 24 * 3600 * 1000;
const REVOKING = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused']);

const day = (date: Date) => date.toISOString();

/**
 * Access from a subscription's own status, never from an invoice alone (issue 15): granted while
 * `active` or `trialing`; during `past_due` kept for the plan's grace period from the moment it went
 * past due, then revoked; revoked at once on `canceled`, `unpaid`, `incomplete_expired`, `paused`;
 * a cancel at period end keeps access until that moment. Anything else (`incomplete`) grants nothing.
 */
export function subscriptionAccess(sub: SubscriptionState, graceDays: number, now: Date): Access {
  const scheduledEnd = sub.cancelAt ?? (sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : null);
  if (sub.status === 'active' || sub.status === 'trialing') {
    if (scheduledEnd) {
      if (now >= scheduledEnd)
        return revoked(`subscription ${sub.id} was set to cancel at ${day(scheduledEnd)}, and that moment has passed`, scheduledEnd);
      return {
        status: 'active',
        expiresAt: scheduledEnd,
        periodEnd: sub.currentPeriodEnd,
        reason: `subscription ${sub.id} is ${sub.status} and cancels at ${day(scheduledEnd)}; access lasts until then`,
      };
    }
    return { status: 'active', expiresAt: null, periodEnd: sub.currentPeriodEnd, reason: `subscription ${sub.id} is ${sub.status}` };
  }
  if (sub.status === 'past_due') {
    const since = sub.pastDueSince ?? now;
    const graceEnd = new Date(since.getTime() + graceDays * DAY_MS);
    const end = scheduledEnd && scheduledEnd < graceEnd ? scheduledEnd : graceEnd;
    if (graceDays === 0) return revoked(`subscription ${sub.id} is past_due and its plan has no grace period`, since);
    if (now >= end) return revoked(`subscription ${sub.id} is past_due; the ${graceDays}-day grace period ended at ${day(end)}`, end);
    return {
      status: 'grace',
      expiresAt: end,
      periodEnd: sub.currentPeriodEnd,
      reason: `subscription ${sub.id} is past_due (a payment failed); kept during the ${graceDays}-day grace period until ${day(end)}`,
    };
  }
  if (REVOKING.has(sub.status)) return revoked(`subscription ${sub.id} is ${sub.status}`, null);
  return revoked(`subscription ${sub.id} is ${sub.status}: its first payment is not complete`, null);
}

/** A license bought as a package: from payment for `durationDays` (× quantity), or forever. */
export function licenseAccess(checkoutId: string, paidAt: Date, durationDays: number | null, now: Date): Access {
  if (durationDays === null)
    return { status: 'active', expiresAt: null, periodEnd: null, reason: `license bought in checkout ${checkoutId}, forever` };
  const end = new Date(paidAt.getTime() + durationDays * DAY_MS);
  if (now >= end) return revoked(`license bought in checkout ${checkoutId} ran its ${durationDays} days until ${day(end)}`, end);
  return { status: 'active', expiresAt: end, periodEnd: null, reason: `license bought in checkout ${checkoutId}, valid until ${day(end)}` };
}

function revoked(reason: string, at: Date | null): Access {
  return { status: 'revoked', expiresAt: at, periodEnd: null, reason };
}
