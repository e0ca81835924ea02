import type { AppContext } from '../context';
import { findMail, listTenantMail } from '../store/mail-messages';
import type { MailRow } from '../store/invoices-schema';

/** The mail outbox as the API, the dashboard and the CLI read it (sending is src/notify/). */
export async function listMailPage(
  ctx: AppContext,
  filter: { tenantId: string; invoiceId?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<MailRow[]> {
  return listTenantMail(ctx.store.db, filter, page);
}

/** One message of a tenant's outbox; undefined when it is another tenant's. */
export async function findTenantMail(ctx: AppContext, tenantId: string, mailId: string): Promise<MailRow | undefined> {
  const mail = await findMail(ctx.store.db, mailId);
  return mail?.tenant_id === tenantId ? mail : undefined;
}
