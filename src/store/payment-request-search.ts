import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
import { cappedCount, newestFirstPage, type KeysetPage } from './keyset-page';
import type { PaymentRequestRow, PaymentRequestStatus } from './payment-requests-schema';
import type { Database } from './schema';

/** The dashboard's payment request list: status, one search term, a creation date range. */
export interface PaymentRequestSearch {
  tenantId: string;
  status?: PaymentRequestStatus;
  /** The request's id, its flow id (the platform's own reference), its payment intent or Checkout Session, or the customer's email (any case). */
  q?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function conditions(eb: ExpressionBuilder<Database, 'payment_requests'>, search: PaymentRequestSearch): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('tenant_id', '=', search.tenantId)];
  if (search.status) list.push(eb('status', '=', search.status));
  if (search.createdFrom) list.push(eb('created_at', '>=', search.createdFrom));
  if (search.createdBefore) list.push(eb('created_at', '<', search.createdBefore));
  const q = search.q;
  if (q) {
    list.push(
      q.includes('@')
        ? sql<SqlBool>`lower(customer ->> 'email') = lower(${q})`
        : eb.or([eb('id', '=', q), eb('flow_id', '=', q), eb('payment_intent_id', '=', q), eb('checkout_session_id', '=', q)]),
    );
  }
  return list;
}

function matching(db: Db, search: PaymentRequestSearch) {
  return db
    .selectFrom('payment_requests')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
}

export async function searchPaymentRequests(db: Db, search: PaymentRequestSearch, page: KeysetPage): Promise<PaymentRequestRow[]> {
  return newestFirstPage(matching(db, search), 'created_at', page);
}

export async function countPaymentRequests(db: Db, search: PaymentRequestSearch, cap: number) {
  return cappedCount(db, matching(db, search), cap);
}
