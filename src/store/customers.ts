import { newId } from '../ids';
import type { CustomerStripeLinkRow } from './customers-schema';
import type { Db } from './database';
import type { CustomerRow } from './invoices-schema';

/** A customer of this tenant by Paybridge id; another tenant's id finds nothing. */
export async function findTenantCustomer(db: Db, tenantId: string, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findCustomerByExternalId(db: Db, tenantId: string, externalId: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).where('external_id', '=', externalId).executeTakeFirst();
}

/**
 * Creates the customer unless the tenant already has one with this external id; returns the stored
 * row and whether it is new. A retried create (even two at once) ends in one row: the unique index
 * on (tenant_id, external_id) decides, and the loser reads the winner's row.
 */
export async function insertCustomerOnce(
  db: Db,
  values: { tenantId: string; externalId: string; email: string; name: string; now: Date },
): Promise<{ customer: CustomerRow; created: boolean }> {
  const inserted = await db
    .insertInto('customers')
    .values({
      id: newId('customer'),
      tenant_id: values.tenantId,
      external_id: values.externalId,
      email: values.email,
      name: values.name,
      created_at: values.now,
      updated_at: values.now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { customer: inserted, created: true };
  const existing = await findCustomerByExternalId(db, values.tenantId, values.externalId);
  if (!existing) throw new Error(`customer ${values.externalId} vanished between insert and read`);
  return { customer: existing, created: false };
}

/**
 * A page of the tenant's customers, newest first. `search` matches an email prefix (case-insensitive)
 * or an exact external id, both served by indexes (migration 0100).
 */
export async function listTenantCustomers(
  db: Db,
  filter: { tenantId: string; search?: string },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.search) {
    const prefix = `${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const search = filter.search;
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', prefix), eb('external_id', '=', search)]));
  }
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function findStripeCustomerLink(db: Db, customerId: string, connectionId: string): Promise<CustomerStripeLinkRow | undefined> {
  return db
    .selectFrom('customer_stripe_links')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
}

/** The Paybridge customer a Stripe customer of this connection stands for. */
export async function findCustomerByStripeId(db: Db, connectionId: string, stripeCustomerId: string): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customer_stripe_links')
    .innerJoin('customers', 'customers.id', 'customer_stripe_links.customer_id')
    .selectAll('customers')
    .where('customer_stripe_links.connection_id', '=', connectionId)
    .where('customer_stripe_links.stripe_customer_id', '=', stripeCustomerId)
    .executeTakeFirst();
}

/** Keeps the first link made for (customer, connection); returns the one stored. */
export async function insertStripeCustomerLink(
  db: Db,
  values: { customerId: string; connectionId: string; stripeCustomerId: string; now: Date },
): Promise<CustomerStripeLinkRow> {
  await db
    .insertInto('customer_stripe_links')
    .values({
      customer_id: values.customerId,
      connection_id: values.connectionId,
      stripe_customer_id: values.stripeCustomerId,
      created_at: values.now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const link = await findStripeCustomerLink(db, values.customerId, values.connectionId);
  if (!link) throw new Error(`Stripe customer link for ${values.customerId} on ${values.connectionId} was not stored`);
  return link;
}

export async function listStripeCustomerLinks(db: Db, customerId: string): Promise<CustomerStripeLinkRow[]> {
  return db.selectFrom('customer_stripe_links').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute();
}

/** The Stripe links of a page of customers in one query. */
export async function listStripeCustomerLinksFor(db: Db, customerIds: readonly string[]): Promise<CustomerStripeLinkRow[]> {
  if (customerIds.length === 0) return [];
  return db.selectFrom('customer_stripe_links').selectAll().where('customer_id', 'in', customerIds).orderBy('created_at').execute();
}
