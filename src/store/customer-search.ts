import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
import type { CustomerRow } from './invoices-schema';
import { cappedCount, newestFirstPage, type KeysetPage } from './keyset-page';
import type { Database } from './schema';

/** The dashboard's customer list: one search term and a creation date range (customers have no status). */
export interface CustomerSearch {
  tenantId: string;
  /** The customer's id or external id, or the start of its email (any case): `ada@` finds ada@example.com. */
  q?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function conditions(eb: ExpressionBuilder<Database, 'customers'>, search: CustomerSearch): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('tenant_id', '=', search.tenantId)];
  if (search.createdFrom) list.push(eb('created_at', '>=', search.createdFrom));
  if (search.createdBefore) list.push(eb('created_at', '<', search.createdBefore));
  const q = search.q;
  if (q) {
    // Served by customers_tenant_email_prefix_idx (lower(email) text_pattern_ops).
    const prefix = `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    list.push(eb.or([eb('id', '=', q), eb('external_id', '=', q), eb(eb.fn('lower', ['email']), 'like', prefix)]));
  }
  return list;
}

function matching(db: Db, search: CustomerSearch) {
  return db
    .selectFrom('customers')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
}

export async function searchCustomers(db: Db, search: CustomerSearch, page: KeysetPage): Promise<CustomerRow[]> {
  return newestFirstPage(matching(db, search), 'created_at', page);
}

export async function countCustomers(db: Db, search: CustomerSearch, cap: number) {
  return cappedCount(db, matching(db, search), cap);
}

/**
 * The ids of the tenant's customers a search term names, as a subquery for other lists (invoices,
 * subscriptions): a customer's email (any case) when the term has an `@`, else its id or external id.
 */
export function customerIdsNamedBy(tenantId: string, term: string) {
  return term.includes('@')
    ? sql<string>`(select id from customers where tenant_id = ${tenantId} and lower(email) = lower(${term}))`
    : sql<string>`(select id from customers where tenant_id = ${tenantId} and (id = ${term} or external_id = ${term}))`;
}
