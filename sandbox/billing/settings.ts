import type { Sandbox } from '../core/sandbox';
import type { Scope } from '../core/store';

/**
 * An account's subscription settings, as Stripe's Billing settings page holds them. The sandbox
 * defaults follow Stripe's documented defaults; `POST /_sandbox/billing_settings` changes them.
 */
export interface BillingSettings {
  /** Days after the previous failed attempt at which each retry runs (Smart Retries stand-in). */
  retryDays: number[];
  /** What happens to a subscription once the last retry failed. */
  afterFinalFailure: 'cancel' | 'unpaid' | 'past_due';
  /** `invoice.upcoming` goes out this many days before a renewal. */
  upcomingDays: number;
  /** `customer.subscription.trial_will_end` goes out this many days before a trial ends. */
  trialWillEndDays: number;
  /** An incomplete subscription expires when its first invoice stays unpaid this long. */
  incompleteExpirySeconds: number;
  /** Subscription renewal invoices stay draft this long before finalizing (Stripe: one hour). */
  draftSeconds: number;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  retryDays: [3, 5, 7],
  afterFinalFailure: 'cancel',
  upcomingDays: 3,
  trialWillEndDays: 3,
  incompleteExpirySeconds: 23 * 60 * 60,
  draftSeconds: 60 * 60,
};

function key(scope: Scope): string {
  return `${scope.account}:${scope.livemode ? 'live' : 'test'}`;
}

export function billingSettings(sandbox: Sandbox, scope: Scope): BillingSettings {
  return sandbox.store.getRelated<BillingSettings>(key(scope), 'billing_settings') ?? DEFAULT_BILLING_SETTINGS;
}

export function setBillingSettings(sandbox: Sandbox, scope: Scope, update: Partial<BillingSettings>): BillingSettings {
  const next = { ...billingSettings(sandbox, scope), ...update };
  sandbox.store.setRelated(key(scope), 'billing_settings', next);
  return next;
}

/**
 * The sandbox's private notes on a subscription: which one-off notices already went out. Kept
 * beside the object, never on it.
 */
export interface SubscriptionNotes {
  trialWillEndSent: boolean;
  upcomingSentFor: number | null;
}

export function subscriptionNotes(sandbox: Sandbox, subscriptionId: string): SubscriptionNotes {
  let notes = sandbox.store.getRelated<SubscriptionNotes>(subscriptionId, 'billing_notes');
  if (!notes) {
    notes = { trialWillEndSent: false, upcomingSentFor: null };
    sandbox.store.setRelated(subscriptionId, 'billing_notes', notes);
  }
  return notes;
}

/** The control API's "fail the next renewal" switch, set on a subscription or a customer id. */
export function setFailNext(sandbox: Sandbox, id: string): void {
  sandbox.store.setRelated(id, 'fail_next_payment', true);
}

/** True (and the switch cleared) when one of `ids` asked for its next payment to fail. */
export function takeFailNext(sandbox: Sandbox, ids: ReadonlyArray<string | null>): boolean {
  for (const id of ids) {
    if (id && sandbox.store.getRelated<boolean>(id, 'fail_next_payment')) {
      sandbox.store.setRelated(id, 'fail_next_payment', false);
      return true;
    }
  }
  return false;
}
