import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { findMail, markMail } from '../store/mail-messages';

export interface Mailer {
  /** Sends one outbox message (SMTP), or captures it when no SMTP server is configured. Idempotent. */
  deliver(mailId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Mail goes over SMTP to PAYBRIDGE_SMTP_URL. Without it, messages are "captured": kept in the
 * outbox and listed by the API and dashboard, so a newcomer sees what would have been sent.
 */
export function createMailer(ctx: AppContext): Mailer {
  let transport: Transporter | undefined;
  const smtpUrl = ctx.config.smtpUrl;
  const getTransport = () => {
    // Short timeouts: a stuck SMTP server must fail the attempt (and be retried), not hold the runner.
    transport ??= nodemailer.createTransport(smtpUrl!, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as never);
    return transport;
  };
  return {
    async deliver(mailId) {
      const mail = await findMail(ctx.store.db, mailId);
      if (!mail)
        throw new AppError({ code: 'mail_missing', message: `Mail ${mailId} no longer exists; nothing to send.`, retryable: false });
      if (mail.status === 'sent' || mail.status === 'captured') return;
      const attempts = mail.attempts + 1;
      if (!smtpUrl) {
        await markMail(ctx.store.db, mail.id, { status: 'captured', transport: 'capture', attempts, last_error: null, sent_at: ctx.now() });
        return;
      }
      try {
        const info = await getTransport().sendMail({
          from: ctx.config.mailFrom,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.text_body,
          // Both parts: clients that show HTML pick it, the rest (and filters) read the text.
          ...(mail.html_body ? { html: mail.html_body } : {}),
        });
        await markMail(ctx.store.db, mail.id, {
          status: 'sent',
          transport: 'smtp',
          attempts,
          last_error: null,
          message_id: String(info.messageId ?? ''),
          sent_at: ctx.now(),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await markMail(ctx.store.db, mail.id, { status: 'pending', transport: 'smtp', attempts, last_error: message.slice(0, 1000) });
        throw new AppError({
          code: 'smtp_failed',
          message: `SMTP delivery of ${mail.id} failed: ${message}`,
          retryable: true,
          cause: error,
        });
      }
    },
    async close() {
      transport?.close();
    },
  };
}

/** Called when the runner gives up on a message, so the outbox shows it as failed rather than pending. */
export async function markMailFailed(ctx: AppContext, mailId: string, reason: string): Promise<void> {
  const mail = await findMail(ctx.store.db, mailId);
  if (!mail || mail.status === 'sent' || mail.status === 'captured') return;
  await markMail(ctx.store.db, mailId, { status: 'failed', attempts: mail.attempts, last_error: reason.slice(0, 1000) });
}
