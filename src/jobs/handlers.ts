import { deactivateInvoiceLink } from '../billing/link-deactivation';
import type { AppContext } from '../context';
import { createMailer, markMailFailed } from '../notify/mailer';
import type { JobHandlers } from './catalog';
import { expireSourceEntitlements } from '../modules/entitlements/expiry-service';
import { checkSubscriptionPeriod } from '../modules/subscriptions/period-check-service';

/** The handler for every job kind (the JobHandlers type makes a missing one a compile error). */
export function buildJobHandlers(ctx: AppContext): JobHandlers & { close(): Promise<void> } {
  const mailer = createMailer(ctx);
  return {
    'mail.send': async ({ mail_id }, job) => {
      try {
        await mailer.deliver(mail_id);
      } catch (error) {
        // The last attempt: show the message as failed in the outbox instead of forever pending.
        if (job.attempts >= job.max_attempts) await markMailFailed(ctx, mail_id, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    'payment_link.deactivate': async ({ invoice_id }) => deactivateInvoiceLink(ctx, invoice_id),
    'entitlements.expire': async (payload) => expireSourceEntitlements(ctx, payload),
    'subscriptions.check_period': async (payload) => {
      await checkSubscriptionPeriod(ctx, payload);
    },
    close: () => mailer.close(),
  };
}
