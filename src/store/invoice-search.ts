import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
import { customerIdsNamedBy } from './customer-search';
import { cappedCount, newestFirstPage, type KeysetPage } from './keyset-page';
import type { InvoiceRow, InvoiceStatus } from './invoices-schema';
import type { Database } from './schema';

/** The dashboard's invoice list: status, one search term, a creation date range. */
export interface InvoiceSearch {
  tenantId: string;
  status?: InvoiceStatus;
  /**
   * An invoice id or external id, a customer id or external id, or a customer's email (any case):
   * every form a person has at hand when a customer calls.
   */
  q?: string;
  createdFrom?: Date;
  createdBefore?: Date;
}

function conditions(eb: ExpressionBuilder<Database, 'invoices'>, search: InvoiceSearch): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('invoices.tenant_id', '=', search.tenantId)];
  if (search.status) list.push(eb('invoices.status', '=', search.status));
  if (search.createdFrom) list.push(eb('invoices.created_at', '>=', search.createdFrom));
  if (search.createdBefore) list.push(eb('invoices.created_at', '<', search.createdBefore));
  const q = search.q;
  if (q) {
    const customers = customerIdsNamedBy(search.tenantId, q);
    list.push(
      q.includes('@')
        ? sql<SqlBool>`invoices.customer_id in ${customers}`
        : eb.or([eb('invoices.id', '=', q), eb('invoices.external_id', '=', q), sql<SqlBool>`invoices.customer_id in ${customers}`]),
    );
  }
  return list;
}

function matching(db: Db, search: InvoiceSearch) {
  return db
    .selectFrom('invoices')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
}

/** Newest first; `before` reads older rows, `after` newer ones (returned newest first too). */
export async function searchInvoices(db: Db, search: InvoiceSearch, page: KeysetPage): Promise<InvoiceRow[]> {
  return newestFirstPage(matching(db, search), 'created_at', page);
}

export async function countInvoices(db: Db, search: InvoiceSearch, cap: number): Promise<{ count: number; capped: boolean }> {
  return cappedCount(db, matching(db, search), cap);
}
