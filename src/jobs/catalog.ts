import type { AppContext } from '../context';
import type { JobRow } from '../store/invoices-schema';

/**
 * Every kind of job and its payload. Jobs carry side effects that must not run inside a database
 * transaction (SMTP, Stripe calls): the transaction enqueues the job, the runner does it after commit.
 */
export interface JobCatalog {
  /** Send (or, without SMTP, capture) one message from the mail outbox. */
  'mail.send': { mail_id: string };
  /** Set `active: false` on an invoice's payment link (after payment, or on void). */
  'payment_link.deactivate': { invoice_id: string };
  /** Import (or resume importing) a connection's products and prices from Stripe. */
  'catalog.import': { import_id: string };
}

export type JobKind = keyof JobCatalog;

export type JobHandler<K extends JobKind> = (payload: JobCatalog[K], job: JobRow) => Promise<void>;

/** One handler per kind, keyed by the catalog's names: a kind without a handler does not compile. */
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export type JobHandlerFactory = (ctx: AppContext) => JobHandlers & { close?(): Promise<void> };

/** Attempts per kind before it is dead: 5 s doubling to an hour with jitter, 14 tries ≈ 2–4.5 hours, enough to ride out an SMTP or Stripe outage. */
export const JOB_RETRY: { [K in JobKind]: { maxAttempts: number; baseMs: number; maxMs: number } } = {
  'mail.send': { maxAttempts: 14, baseMs: 5_000, maxMs: 3_600_000 },
  'payment_link.deactivate': { maxAttempts: 14, baseMs: 5_000, maxMs: 3_600_000 },
  'catalog.import': { maxAttempts: 8, baseMs: 5_000, maxMs: 600_000 },
};
