import type { AppContext } from '../context';

/**
 * Every kind of job and its payload. Jobs carry side effects that must not run inside a database
 * transaction (SMTP, Stripe calls): the transaction enqueues the job, the runner does it after commit.
 */
export interface JobCatalog {
  /** Send (or, without SMTP, capture) one message from the mail outbox. */
  'mail.send': { mail_id: string };
  /** Write a paid invoice's receipt into the outbox (once per invoice) and send it. */
  'mail.receipt': { invoice_id: string };
  /** Set `active: false` on an invoice's payment link (after payment, or on void). */
  'payment_link.deactivate': { invoice_id: string };
  /** Records the revoke of a source's entitlements whose access ended on its own (grace over, cancel at period end, license over). */
  'entitlements.expire': { source_type: 'subscription' | 'package'; source_id: string };
  /** A subscription's period ended: re-read it from Stripe if no event moved it on (a missed webhook). */
  'subscriptions.check_period': { subscription_id: string; period_end: string };
  /** Two versions of a subscription tied in one second and could not be ordered: read it from Stripe and apply that. */
  'subscriptions.reread': { subscription_id: string };
  /** Import (or resume importing) a connection's products and prices from Stripe. */
  'catalog.import': { import_id: string };
}

export type JobKind = keyof JobCatalog;

/** The attempt a handler runs in: `attempts` counts this one, so `attempts >= max_attempts` is the last. */
export interface JobAttempt {
  readonly id: string;
  readonly attempts: number;
  readonly max_attempts: number;
}

export type JobHandler<K extends JobKind> = (payload: JobCatalog[K], job: JobAttempt) => Promise<void>;

/** One handler per kind, keyed by the catalog's names: a kind without a handler does not compile. */
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export type JobHandlerFactory = (ctx: AppContext) => JobHandlers & { close?(): Promise<void> };

interface JobRetry {
  maxAttempts: number;
}

/**
 * Attempts per kind before a job fails for good. The delays between them are graphile-worker's:
 * e^n seconds after the n-th failure (3 s, 7 s, 20 s, 55 s … capped at e^10 ≈ 6.1 hours), so 10
 * attempts span ≈ 3.5 hours, enough to ride out an SMTP or Stripe outage.
 */
export const JOB_RETRY: { [K in JobKind]: JobRetry } = {
  'mail.send': { maxAttempts: 10 },
  'mail.receipt': { maxAttempts: 10 },
  'payment_link.deactivate': { maxAttempts: 10 },
  'entitlements.expire': { maxAttempts: 10 },
  'subscriptions.check_period': { maxAttempts: 10 },
  'subscriptions.reread': { maxAttempts: 10 },
  'catalog.import': { maxAttempts: 10 },
};
