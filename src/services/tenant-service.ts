import type { AppContext } from '../context';
import { notFound } from '../errors';
import { findTenant, insertTenant, listTenants } from '../store/tenants';
import type { Tenant } from '../store/schema';

/** Tenants, for the API, the dashboard and the CLI alike (their API keys: api-key-service.ts). */
export async function createTenant(ctx: AppContext, name: string): Promise<Tenant> {
  return insertTenant(ctx.store.db, name);
}

export async function requireTenant(ctx: AppContext, tenantId: string): Promise<Tenant> {
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) throw notFound('tenant', tenantId);
  return tenant;
}

/** A tenant, or undefined when there is none with this id. */
export async function findTenantById(ctx: AppContext, tenantId: string): Promise<Tenant | undefined> {
  return findTenant(ctx.store.db, tenantId);
}

/** One page of tenants, newest first. */
export async function listTenantPage(ctx: AppContext, page: { limit: number; after?: { createdAt: Date; id: string } }): Promise<Tenant[]> {
  return listTenants(ctx.store.db, page);
}
