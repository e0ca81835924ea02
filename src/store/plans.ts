import type { Db } from './database';
import type { EntitlementSpec, PackageGrants, PackageRow, PlanRow } from './subscriptions-schema';

type Page = { limit: number; before?: { createdAt: Date; id: string } };

export async function insertPlan(
  db: Db,
  plan: Omit<PlanRow, 'price_ids' | 'entitlements'> & { price_ids: string[]; entitlements: EntitlementSpec[] },
): Promise<PlanRow> {
  const row = await db
    .insertInto('plans')
    .values({ ...plan, price_ids: JSON.stringify(plan.price_ids), entitlements: JSON.stringify(plan.entitlements) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await replacePriceUses(db, { connectionId: plan.connection_id, ownerType: 'plan', ownerId: plan.id, priceIds: plan.price_ids });
  return row;
}

export async function updatePlan(
  db: Db,
  id: string,
  changes: { name?: string; price_ids?: string[]; entitlements?: EntitlementSpec[]; grace_period_days?: number; updatedAt: Date },
): Promise<PlanRow> {
  const row = await db
    .updateTable('plans')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.price_ids !== undefined ? { price_ids: JSON.stringify(changes.price_ids), status: 'active', status_reason: null } : {}),
      ...(changes.entitlements !== undefined ? { entitlements: JSON.stringify(changes.entitlements) } : {}),
      ...(changes.grace_period_days !== undefined ? { grace_period_days: changes.grace_period_days } : {}),
      updated_at: changes.updatedAt,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (changes.price_ids)
    await replacePriceUses(db, { connectionId: row.connection_id, ownerType: 'plan', ownerId: id, priceIds: changes.price_ids });
  return row;
}

export async function findTenantPlan(db: Db, tenantId: string, id: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findPlan(db: Db, id: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTenantPlans(db: Db, tenantId: string, page: Page): Promise<PlanRow[]> {
  let query = db.selectFrom('plans').selectAll().where('tenant_id', '=', tenantId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** The tenant's plans on this connection that sell one of these prices (a subscription's items name its plan). */
export async function findPlansSellingPrices(db: Db, connectionId: string, priceIds: readonly string[]): Promise<PlanRow[]> {
  if (priceIds.length === 0) return [];
  return db
    .selectFrom('catalog_price_uses')
    .innerJoin('plans', 'plans.id', 'catalog_price_uses.owner_id')
    .selectAll('plans')
    .where('catalog_price_uses.connection_id', '=', connectionId)
    .where('catalog_price_uses.owner_type', '=', 'plan')
    .where('catalog_price_uses.price_id', 'in', priceIds)
    .execute();
}

export async function insertPackage(db: Db, pkg: Omit<PackageRow, 'grants'> & { grants: PackageGrants }): Promise<PackageRow> {
  const row = await db
    .insertInto('packages')
    .values({ ...pkg, grants: JSON.stringify(pkg.grants) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await replacePriceUses(db, { connectionId: pkg.connection_id, ownerType: 'package', ownerId: pkg.id, priceIds: [pkg.price_id] });
  return row;
}

export async function findTenantPackage(db: Db, tenantId: string, id: string): Promise<PackageRow | undefined> {
  return db.selectFrom('packages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findPackage(db: Db, id: string): Promise<PackageRow | undefined> {
  return db.selectFrom('packages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTenantPackages(db: Db, tenantId: string, page: Page): Promise<PackageRow[]> {
  let query = db.selectFrom('packages').selectAll().where('tenant_id', '=', tenantId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

async function replacePriceUses(db: Db, use: { connectionId: string; ownerType: 'plan' | 'package'; ownerId: string; priceIds: string[] }) {
  await db.deleteFrom('catalog_price_uses').where('owner_type', '=', use.ownerType).where('owner_id', '=', use.ownerId).execute();
  await db
    .insertInto('catalog_price_uses')
    .values(
      use.priceIds.map((price_id) => ({ connection_id: use.connectionId, price_id, owner_type: use.ownerType, owner_id: use.ownerId })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Marks every plan and package selling this price `needs_attention` with the reason; returns those
 * that changed (already marked ones with the same reason are left alone, so a redelivery is silent).
 */
export async function markPriceUsersNeedingAttention(
  db: Db,
  values: { connectionId: string; priceId: string; reason: string; now: Date },
): Promise<{ plans: PlanRow[]; packages: PackageRow[] }> {
  const owners = (ownerType: 'plan' | 'package') =>
    db
      .selectFrom('catalog_price_uses')
      .select('owner_id')
      .where('connection_id', '=', values.connectionId)
      .where('price_id', '=', values.priceId)
      .where('owner_type', '=', ownerType);
  const plans = await db
    .updateTable('plans')
    .set({ status: 'needs_attention', status_reason: values.reason, updated_at: values.now })
    .where('id', 'in', owners('plan'))
    .where((eb) =>
      eb.or([eb('status', '<>', 'needs_attention'), eb('status_reason', 'is', null), eb('status_reason', '<>', values.reason)]),
    )
    .returningAll()
    .execute();
  const packages = await db
    .updateTable('packages')
    .set({ status: 'needs_attention', status_reason: values.reason, updated_at: values.now })
    .where('id', 'in', owners('package'))
    .where((eb) =>
      eb.or([eb('status', '<>', 'needs_attention'), eb('status_reason', 'is', null), eb('status_reason', '<>', values.reason)]),
    )
    .returningAll()
    .execute();
  return { plans, packages };
}
