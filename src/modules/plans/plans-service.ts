import type { AppContext } from '../../context';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { notFound } from '../../errors';
import { newId } from '../../ids';
import {
  findTenantPackage,
  findTenantPlan,
  insertPackage,
  insertPlan,
  listTenantPackages,
  listTenantPlans,
  updatePlan,
} from '../../store/plans';
import { listPlanSubscriptions } from '../../store/subscriptions';
import type { PackageRow, PlanRow } from '../../store/subscriptions-schema';
import { refreshSubscriptionEntitlements } from '../subscriptions/subscription-entitlements';
import type { CreatePackageInput, CreatePlanInput, UpdatePlanInput } from './catalog-input';
import { checkPrices, sellingConnection } from './price-check-service';

type Page = { limit: number; before?: { createdAt: Date; id: string } };

export async function listPlans(ctx: AppContext, tenantId: string, page: Page): Promise<PlanRow[]> {
  return listTenantPlans(ctx.store.db, tenantId, page);
}

export async function listPackages(ctx: AppContext, tenantId: string, page: Page): Promise<PackageRow[]> {
  return listTenantPackages(ctx.store.db, tenantId, page);
}

export async function requirePlan(ctx: AppContext, tenantId: string, planId: string): Promise<PlanRow> {
  const plan = await findTenantPlan(ctx.store.db, tenantId, planId);
  if (!plan) throw notFound('plan', planId);
  return plan;
}

export async function requirePackage(ctx: AppContext, tenantId: string, packageId: string): Promise<PackageRow> {
  const pkg = await findTenantPackage(ctx.store.db, tenantId, packageId);
  if (!pkg) throw notFound('package', packageId);
  return pkg;
}

/** Creates a plan after checking every price in the connection's Stripe account (recurring, active). */
export async function createPlan(ctx: AppContext, tenantId: string, input: CreatePlanInput): Promise<PlanRow> {
  const connection = await sellingConnection(ctx, tenantId, input.connection_id);
  const priceIds = [...new Set(input.price_ids)];
  await checkPrices(ctx, connection, priceIds, { type: 'recurring', field: 'price_ids' });
  const now = ctx.now();
  return inUnitOfWork(ctx, async (effects) =>
    insertPlan(effects.trx, {
      id: newId('plan'),
      tenant_id: tenantId,
      connection_id: connection.id,
      name: input.name,
      price_ids: priceIds,
      entitlements: input.entitlements,
      grace_period_days: input.grace_period_days ?? 0,
      status: 'active',
      status_reason: null,
      created_at: now,
      updated_at: now,
    }),
  );
}

/**
 * Changes a plan. New prices are checked like on create (and clear `needs_attention`); changed
 * entitlements or grace apply at once to every subscription on the plan, with history.
 */
export async function changePlan(ctx: AppContext, tenantId: string, planId: string, input: UpdatePlanInput): Promise<PlanRow> {
  const plan = await requirePlan(ctx, tenantId, planId);
  const priceIds = input.price_ids ? [...new Set(input.price_ids)] : undefined;
  if (priceIds) {
    const connection = await sellingConnection(ctx, tenantId, plan.connection_id);
    await checkPrices(ctx, connection, priceIds, { type: 'recurring', field: 'price_ids' });
  }
  return inUnitOfWork(ctx, async (effects) => {
    const updated = await updatePlan(effects.trx, plan.id, { ...input, price_ids: priceIds, updatedAt: effects.now });
    if (input.entitlements !== undefined || input.grace_period_days !== undefined) {
      for (const sub of await listPlanSubscriptions(effects.trx, plan.id)) await refreshSubscriptionEntitlements(effects, sub);
    }
    return updated;
  });
}

export async function createPackage(ctx: AppContext, tenantId: string, input: CreatePackageInput): Promise<PackageRow> {
  const connection = await sellingConnection(ctx, tenantId, input.connection_id);
  await checkPrices(ctx, connection, [input.price_id], { type: 'one_time', field: 'price_id' });
  const now = ctx.now();
  return inUnitOfWork(ctx, async (effects) =>
    insertPackage(effects.trx, {
      id: newId('package'),
      tenant_id: tenantId,
      connection_id: connection.id,
      name: input.name,
      price_id: input.price_id,
      grants: input.grants,
      status: 'active',
      status_reason: null,
      created_at: now,
      updated_at: now,
    }),
  );
}
