import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Db } from './database';
import type { DisputeRow } from './disputes-schema';
import { cappedCount, newestFirstPage, type KeysetPage } from './keyset-page';
import type { Database } from './schema';

/** The dashboard's dispute list, newest opened first: Stripe's status, one search term, an opening date range. */
export interface DisputeSearch {
  tenantId: string;
  status?: string;
  /** The dispute (`dp_…`), its charge or payment intent, or the invoice or payment request it contests. */
  q?: string;
  openedFrom?: Date;
  openedBefore?: Date;
}

function conditions(eb: ExpressionBuilder<Database, 'disputes'>, search: DisputeSearch): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('tenant_id', '=', search.tenantId)];
  if (search.status) list.push(eb('status', '=', search.status));
  if (search.openedFrom) list.push(eb('opened_at', '>=', search.openedFrom));
  if (search.openedBefore) list.push(eb('opened_at', '<', search.openedBefore));
  const q = search.q;
  if (q) {
    list.push(
      eb.or([
        eb('id', '=', q),
        eb('stripe_dispute_id', '=', q),
        eb('charge_id', '=', q),
        eb('payment_intent_id', '=', q),
        eb('payable_id', '=', q),
      ]),
    );
  }
  return list;
}

function matching(db: Db, search: DisputeSearch) {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
}

export async function searchDisputes(db: Db, search: DisputeSearch, page: KeysetPage): Promise<DisputeRow[]> {
  return newestFirstPage(matching(db, search), 'opened_at', page);
}

export async function countDisputes(db: Db, search: DisputeSearch, cap: number) {
  return cappedCount(db, matching(db, search), cap);
}
