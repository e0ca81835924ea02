import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
import { customerIdsNamedBy } from './customer-search';
import { cappedCount, newestFirstPage, type KeysetPage } from './keyset-page';
import type { Database } from './schema';
import type { SubscriptionRow } from './subscriptions-schema';

/** The dashboard's subscription list: Stripe's status, one search term, a creation date range. */
export interface SubscriptionSearch {
  tenantId: string;
  status?: string;
  /** The subscription's id or Stripe id (`sub_…`), its customer's id or external id, or the customer's email (any case). */
  q?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function conditions(eb: ExpressionBuilder<Database, 'subscriptions'>, search: SubscriptionSearch): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('subscriptions.tenant_id', '=', search.tenantId)];
  if (search.status) list.push(eb('subscriptions.status', '=', search.status));
  if (search.createdFrom) list.push(eb('subscriptions.created_at', '>=', search.createdFrom));
  if (search.createdBefore) list.push(eb('subscriptions.created_at', '<', search.createdBefore));
  const q = search.q;
  if (q) {
    const customers = customerIdsNamedBy(search.tenantId, q);
    list.push(
      q.includes('@')
        ? sql<SqlBool>`subscriptions.customer_id in ${customers}`
        : eb.or([
            eb('subscriptions.id', '=', q),
            eb('subscriptions.stripe_subscription_id', '=', q),
            sql<SqlBool>`subscriptions.customer_id in ${customers}`,
          ]),
    );
  }
  return list;
}

function matching(db: Db, search: SubscriptionSearch) {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
}

export async function searchSubscriptions(db: Db, search: SubscriptionSearch, page: KeysetPage): Promise<SubscriptionRow[]> {
  return newestFirstPage(matching(db, search), 'created_at', page);
}

export async function countSubscriptions(db: Db, search: SubscriptionSearch, cap: number) {
  return cappedCount(db, matching(db, search), cap);
}
