import type { AppContext } from '../context';
import { notFound } from '../errors';
import { findTenant, insertTenant } from '../store/tenants';
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
