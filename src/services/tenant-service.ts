import type { AppContext } from '../context';
import { announce } from '../domain/unit-of-work';
import { AppError, invalidField, notFound } from '../errors';
import { findTenant, insertTenant, listTenants, lockTenant, markTenantDeleted, renameTenantRow, tenantActivity } from '../store/tenants';
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

/** The one rule for a tenant's name, shared by the API's schema message, the dashboard and the CLI. */
export const TENANT_NAME_RULE = "Name the tenant in 1 to 200 characters, such as the customer's company name.";

export function checkTenantName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw invalidField('name', 'validation_failed', TENANT_NAME_RULE);
  return trimmed;
}

export async function renameTenant(ctx: AppContext, tenantId: string, name: string): Promise<Tenant> {
  const renamed = await renameTenantRow(ctx.store.db, tenantId, checkTenantName(name));
  if (!renamed) throw notFound('tenant', tenantId);
  return renamed;
}

/** What deleting would do, or why it is refused; the dashboard shows it before asking to confirm. */
export interface TenantDeletionPlan {
  liveConnections: number;
  openInvoices: number;
  /** A sentence saying what to do first, when deletion is refused. */
  blocker: string | undefined;
}

function blockerOf(activity: { liveConnections: number; openInvoices: number }): string | undefined {
  const steps: string[] = [];
  if (activity.liveConnections > 0)
    steps.push(
      `disconnect its ${activity.liveConnections} connection${activity.liveConnections === 1 ? '' : 's'} (Stripe still sends events to them)`,
    );
  if (activity.openInvoices > 0)
    steps.push(
      `void or settle its ${activity.openInvoices} open invoice${activity.openInvoices === 1 ? '' : 's'} (customers can still pay them)`,
    );
  return steps.length ? `Before deleting this tenant, ${steps.join(' and ')}.` : undefined;
}

export async function planTenantDeletion(ctx: AppContext, tenantId: string): Promise<TenantDeletionPlan> {
  await requireTenant(ctx, tenantId);
  const activity = await tenantActivity(ctx.store.db, tenantId);
  return { ...activity, blocker: blockerOf(activity) };
}

/**
 * Deletes a tenant softly: refused (409) while it has a live connection or an open invoice, since
 * money could still move; otherwise the tenant disappears from every lookup (404 from then on) and
 * its API keys are revoked, while its invoices, payments, events and mail stay in the database as
 * history, never removed. Returns how many API keys were revoked.
 */
export async function deleteTenant(ctx: AppContext, tenantId: string): Promise<{ tenant: Tenant; revokedApiKeys: number }> {
  const deleted = await ctx.store.db.transaction().execute(async (trx) => {
    const tenant = await lockTenant(trx, tenantId);
    if (!tenant) throw notFound('tenant', tenantId);
    const blocker = blockerOf(await tenantActivity(trx, tenantId));
    if (blocker) throw new AppError({ code: 'tenant_in_use', status: 409, message: blocker });
    const now = ctx.now();
    const revokedApiKeys = await markTenantDeleted(trx, tenantId, now);
    return { tenant: { ...tenant, deleted_at: now }, revokedApiKeys };
  });
  // Its keys were revoked: every process's principal cache forgets them now, as on a single revoke.
  await announce(ctx, [{ kind: 'credentials' }]);
  return deleted;
}
