import type { AppContext } from '../../context';
import { stripeFor } from '../../billing/payment-link';
import { payableMetadata } from '../../domain/paybridge-metadata';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { notFound } from '../../errors';
import {
  findCustomerByExternalId,
  findStripeCustomerLink,
  findTenantCustomer,
  insertCustomerOnce,
  insertStripeCustomerLink,
  listStripeCustomerLinks,
  listStripeCustomerLinksFor,
  listTenantCustomers,
} from '../../store/customers';
import { countCustomers, searchCustomers, type CustomerSearch } from '../../store/customer-search';
import type { Db } from '../../store/database';
import type { KeysetPage } from '../../store/keyset-page';
import type { CustomerRow } from '../../store/invoices-schema';
import type { ConnectionRow } from '../../store/schema';
import { findTenant } from '../../store/tenants';
import { fromStripeError } from '../../stripe/stripe-errors';
import type { CreateCustomerInput } from './customer-input';
import { toCustomerView, type CustomerView } from './customer-view';

/** Paths name a customer by Paybridge id (`cust_…`) or by the platform's id as `ext:{external_id}`. */
export const EXTERNAL_REF_PREFIX = 'ext:';

/**
 * The tenant's customer a path reference names: `cust_…` or `ext:{external_id}`. Throws 404 for
 * anything else, including another tenant's customer, so ids never leak across tenants.
 *
 * @example const customer = await resolveCustomer(ctx.store.db, tenantId, 'ext:user_42');
 */
export async function resolveCustomer(db: Db, tenantId: string, ref: string): Promise<CustomerRow> {
  const customer = ref.startsWith(EXTERNAL_REF_PREFIX)
    ? await findCustomerByExternalId(db, tenantId, ref.slice(EXTERNAL_REF_PREFIX.length))
    : await findTenantCustomer(db, tenantId, ref);
  if (!customer) throw notFound('customer', ref);
  return customer;
}

export async function viewCustomer(db: Db, customer: CustomerRow): Promise<CustomerView> {
  return toCustomerView(customer, await listStripeCustomerLinks(db, customer.id));
}

/** A page of the tenant's customers, newest first; `search` is an email prefix or an exact external id. */
export async function listCustomers(
  db: Db,
  tenantId: string,
  options: { search?: string; limit: number; before?: { createdAt: Date; id: string } },
): Promise<CustomerRow[]> {
  return listTenantCustomers(db, { tenantId, search: options.search }, { limit: options.limit, before: options.before });
}

/** Views of a page of customers in two queries. */
export async function viewCustomers(db: Db, customers: readonly CustomerRow[]): Promise<CustomerView[]> {
  const links = await listStripeCustomerLinksFor(
    db,
    customers.map((customer) => customer.id),
  );
  return customers.map((customer) =>
    toCustomerView(
      customer,
      links.filter((link) => link.customer_id === customer.id),
    ),
  );
}

/**
 * Creates the tenant's customer, or returns the one it already has with this external id unchanged
 * (`created: false`): a platform may call this on every sign-in without creating duplicates.
 */
export async function createCustomer(
  ctx: AppContext,
  tenantId: string,
  input: CreateCustomerInput,
): Promise<{ customer: CustomerView; created: boolean }> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const { customer, created } = await inUnitOfWork(ctx, async (effects) => {
    const result = await insertCustomerOnce(effects.trx, {
      tenantId,
      externalId: input.external_id,
      email: input.email,
      name: input.name ?? '',
      now: effects.now,
    });
    if (result.created) {
      effects.recordDomainEvent({
        tenantId,
        type: 'customer.created',
        object: { type: 'customer', id: result.customer.id },
        snapshot: toCustomerView(result.customer, []),
        connectionId: null,
      });
    }
    return result;
  });
  return { customer: await viewCustomer(ctx.store.db, customer), created };
}

/**
 * The Stripe customer standing for this customer on the connection, created on first use with
 * Paybridge's metadata. The Idempotency-Key derives from (customer, connection), so two first uses at
 * once, or a retry after a crash between Stripe's answer and our insert, get the same Stripe customer.
 */
export async function ensureStripeCustomer(ctx: AppContext, connection: ConnectionRow, customer: CustomerRow): Promise<string> {
  const existing = await findStripeCustomerLink(ctx.store.db, customer.id, connection.id);
  if (existing) return existing.stripe_customer_id;
  let stripeCustomerId: string;
  try {
    const created = await stripeFor(ctx, connection).customers.create(
      {
        email: customer.email,
        ...(customer.name ? { name: customer.name } : {}),
        metadata: {
          ...payableMetadata(customer.tenant_id, { type: 'customer', id: customer.id }),
          paybridge_customer_id: customer.id,
          ...(customer.external_id ? { external_id: customer.external_id } : {}),
        },
      },
      { idempotencyKey: `paybridge:${customer.id}:${connection.id}:customer` },
    );
    stripeCustomerId = created.id;
  } catch (error) {
    throw fromStripeError(error, 'creating the Stripe customer');
  }
  const link = await insertStripeCustomerLink(ctx.store.db, {
    customerId: customer.id,
    connectionId: connection.id,
    stripeCustomerId,
    now: ctx.now(),
  });
  return link.stripe_customer_id;
}

/** The dashboard's list: one page of the customers matching a search, with the total (up to `cap`). */
export async function searchCustomerPage(ctx: AppContext, search: CustomerSearch, page: KeysetPage, cap = 10_000) {
  const [rows, total] = await Promise.all([searchCustomers(ctx.store.db, search, page), countCustomers(ctx.store.db, search, cap)]);
  return { rows, total };
}
