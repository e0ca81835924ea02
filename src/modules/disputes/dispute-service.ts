import type { AppContext } from '../../context';
import { notFound } from '../../errors';
import { findTenantDispute, listOpenDisputesByUrgency, listTenantDisputes } from '../../store/disputes';
import type { DisputeRow } from '../../store/disputes-schema';
import { countDisputes, searchDisputes, type DisputeSearch } from '../../store/dispute-search';
import type { KeysetPage } from '../../store/keyset-page';
import { findDisputedPayable } from './disputed-payable';
import { toDisputeView, type DisputeView } from './dispute-view';

/**
 * The row holds its link since the payment side links disputes too (link-disputes-on-payment.ts);
 * rows stored before that, still without their payment, are linked when read.
 */
async function withLink(ctx: AppContext, row: DisputeRow): Promise<DisputeRow> {
  if (row.payment_id || (row.payable_id && row.payable_type !== 'invoice')) return row;
  const linked = await findDisputedPayable(
    ctx.store.db,
    { tenantId: row.tenant_id, connectionId: row.connection_id },
    { paymentIntentId: row.payment_intent_id, chargeId: row.charge_id },
  );
  if (!linked) return row;
  return { ...row, payment_id: linked.paymentId ?? row.payment_id, payable_type: linked.payable.type, payable_id: linked.payable.id };
}

export async function requireDispute(ctx: AppContext, tenantId: string, id: string): Promise<DisputeView> {
  const row = await findTenantDispute(ctx.store.db, tenantId, id);
  if (!row) throw notFound('dispute', id);
  return toDisputeView(await withLink(ctx, row));
}

/** `limit + 1` rows newest first, so the caller can tell whether a next page exists. */
export async function listDisputes(
  ctx: AppContext,
  tenantId: string,
  filter: { status?: string; open?: boolean },
  page: { limit: number; before?: { openedAt: Date; id: string } },
): Promise<DisputeRow[]> {
  const rows = await listTenantDisputes(ctx.store.db, { tenantId, ...filter }, page);
  return Promise.all(rows.map((row) => withLink(ctx, row)));
}

export async function openDisputesByUrgency(ctx: AppContext, tenantId: string, limit = 20): Promise<DisputeView[]> {
  const rows = await listOpenDisputesByUrgency(ctx.store.db, tenantId, limit);
  return (await Promise.all(rows.map((row) => withLink(ctx, row)))).map(toDisputeView);
}

/** The dashboard's list: one page of the disputes matching a search, linked, with the total (up to `cap`). */
export async function searchDisputePage(ctx: AppContext, search: DisputeSearch, page: KeysetPage, cap = 10_000) {
  const [rows, total] = await Promise.all([searchDisputes(ctx.store.db, search, page), countDisputes(ctx.store.db, search, cap)]);
  return { rows: await Promise.all(rows.map((row) => withLink(ctx, row))), total };
}
