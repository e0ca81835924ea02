import { deactivateInvoiceLink } from '../billing/link-deactivation';
import type { AppContext } from '../context';
import { createMailer, markMailFailed } from '../notify/mailer';
import { sendInvoiceReceipt } from '../notify/invoice-receipt';
import type { JobHandlers } from './catalog';
import { findReceipt } from '../store/mail-messages';
import { expireSourceEntitlements } from '../modules/entitlements/expiry-service';
import { checkSubscriptionPeriod } from '../modules/subscriptions/period-check-service';
import { rereadSubscription } from '../modules/subscriptions/reread-service';
import { runCatalogImport } from '../modules/catalog/catalog-import-service';

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
    'mail.receipt': async ({ invoice_id }, job) => {
      try {
        await sendInvoiceReceipt(ctx, mailer, invoice_id);
      } catch (error) {
        if (job.attempts >= job.max_attempts) {
          const receipt = await findReceipt(ctx.store.db, invoice_id);
          if (receipt) await markMailFailed(ctx, receipt.id, error instanceof Error ? error.message : String(error));
        }
        throw error;
      }
    },
    'payment_link.deactivate': async ({ invoice_id }) => deactivateInvoiceLink(ctx, invoice_id),
    'entitlements.expire': async (payload) => expireSourceEntitlements(ctx, payload),
    'subscriptions.check_period': async (payload) => {
      await checkSubscriptionPeriod(ctx, payload);
    },
    'subscriptions.reread': async (payload) => {
      await rereadSubscription(ctx, payload);
    },
    'catalog.import': async ({ import_id }, job) => runCatalogImport(ctx, import_id, job),
    close: () => mailer.close(),
  };
}
