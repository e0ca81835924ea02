import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
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
    const customers = q.includes('@')
      ? sql<string>`(select id from customers where tenant_id = ${search.tenantId} and lower(email) = lower(${q}))`
      : sql<string>`(select id from customers where tenant_id = ${search.tenantId} and (id = ${q} or external_id = ${q}))`;
    list.push(
      q.includes('@')
        ? sql<SqlBool>`invoices.customer_id in ${customers}`
        : eb.or([eb('invoices.id', '=', q), eb('invoices.external_id', '=', q), sql<SqlBool>`invoices.customer_id in ${customers}`]),
    );
  }
  return list;
}

/** Newest first; `before` reads older rows, `after` newer ones (returned newest first too). */
export async function searchInvoices(
  db: Db,
  search: InvoiceSearch,
  page: { limit: number; before?: { at: Date; id: string }; after?: { at: Date; id: string } },
): Promise<InvoiceRow[]> {
  let query = db
    .selectFrom('invoices')
    .selectAll()
    .where((eb) => eb.and(conditions(eb, search)));
  if (page.before) query = query.where(sql<SqlBool>`(created_at, id) < (${page.before.at}, ${page.before.id})`);
  if (page.after) {
    const rows = await query
      .where(sql<SqlBool>`(created_at, id) > (${page.after.at}, ${page.after.id})`)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(page.limit)
      .execute();
    return rows.reverse();
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countInvoices(db: Db, search: InvoiceSearch, cap: number): Promise<{ count: number; capped: boolean }> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('invoices')
        .select(sql`1`.as('one'))
        .where((eb) => eb.and(conditions(eb, search)))
        .limit(cap + 1)
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}
