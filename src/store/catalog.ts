import { sql } from 'kysely';
import type { Db } from './database';
import type { Updateable } from 'kysely';
import type { CatalogImportRow, CatalogImportsTable, CatalogPriceRow, CatalogProductRow } from './catalog-schema';
import type { StripeObjectRow } from './schema';

/** The parts of an object's newest stored version a list row is made of. */
export type CatalogVersion = Pick<StripeObjectRow, 'stripe_id' | 'object_type' | 'data' | 'deleted' | 'version_event_id'>;

/** Who owns a projected object: the connection it came through and that connection's tenant. */
export interface CatalogOwner {
  tenantId: string;
  connectionId: string;
}

/** Whether a price (or product) can still be sold: active and not deleted. */
export interface LiveState {
  active: boolean;
  deleted: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const idOf = (value: unknown): string | null =>
  text(value) ?? (value && typeof value === 'object' ? text((value as { id?: unknown }).id) : null);
const epoch = (value: unknown, fallback: Date): Date => (typeof value === 'number' ? new Date(value * 1000) : fallback);
const integerOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) ? value : null);

function productValues(owner: CatalogOwner, row: CatalogVersion, now: Date) {
  return {
    connection_id: owner.connectionId,
    stripe_id: row.stripe_id,
    tenant_id: owner.tenantId,
    name: text(row.data.name) ?? '',
    active: row.data.active !== false,
    deleted: row.deleted,
    data: JSON.stringify(row.data),
    stripe_created: epoch(row.data.created, now),
    version_event_id: row.version_event_id,
    updated_at: now,
  };
}

function priceValues(owner: CatalogOwner, row: CatalogVersion, now: Date) {
  return {
    connection_id: owner.connectionId,
    stripe_id: row.stripe_id,
    tenant_id: owner.tenantId,
    product_id: idOf(row.data.product),
    nickname: text(row.data.nickname),
    type: text(row.data.type),
    currency: (text(row.data.currency) ?? '').toUpperCase(),
    unit_amount: integerOrNull(row.data.unit_amount),
    active: row.data.active !== false,
    deleted: row.deleted,
    data: JSON.stringify(row.data),
    stripe_created: epoch(row.data.created, now),
    version_event_id: row.version_event_id,
    updated_at: now,
  };
}

/**
 * Writes the newest stored versions of products and prices into their lists. A deletion may carry
 * only a stub (`{id, object, deleted}`), so it keeps the fields already known and merges the stub
 * over them. Returns each price's state before the write (absent when it was unknown), so the caller
 * can tell which prices just stopped being sellable.
 */
export async function projectCatalogObjects(
  db: Db,
  owner: CatalogOwner,
  rows: readonly CatalogVersion[],
  now: Date,
): Promise<Map<string, LiveState>> {
  const products = rows.filter((row) => row.object_type === 'product');
  const prices = rows.filter((row) => row.object_type === 'price');
  const before = new Map<string, LiveState>();
  if (prices.length > 0) {
    const known = await db
      .selectFrom('catalog_prices')
      .select(['stripe_id', 'active', 'deleted'])
      .where('connection_id', '=', owner.connectionId)
      .where(
        'stripe_id',
        'in',
        prices.map((row) => row.stripe_id),
      )
      .execute();
    for (const row of known) before.set(row.stripe_id, { active: row.active, deleted: row.deleted });
  }
  if (products.length > 0) {
    await db
      .insertInto('catalog_products')
      .values(products.map((row) => productValues(owner, row, now)))
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'stripe_id'])
          .doUpdateSet({
            name: sql`case when excluded.name = '' then catalog_products.name else excluded.name end`,
            active: sql`case when excluded.deleted and not (excluded.data ? 'active') then catalog_products.active else excluded.active end`,
            deleted: sql`excluded.deleted`,
            data: sql`case when excluded.deleted then catalog_products.data || excluded.data else excluded.data end`,
            version_event_id: sql`excluded.version_event_id`,
            updated_at: sql`excluded.updated_at`,
          })
          // The same version again (a duplicate event, a repeated import) writes nothing.
          .where(sql<boolean>`catalog_products.version_event_id <> excluded.version_event_id`),
      )
      .execute();
  }
  if (prices.length > 0) {
    await db
      .insertInto('catalog_prices')
      .values(prices.map((row) => priceValues(owner, row, now)))
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'stripe_id'])
          .doUpdateSet({
            product_id: sql`coalesce(excluded.product_id, catalog_prices.product_id)`,
            nickname: sql`case when excluded.deleted and not (excluded.data ? 'nickname') then catalog_prices.nickname else excluded.nickname end`,
            type: sql`coalesce(excluded.type, catalog_prices.type)`,
            currency: sql`case when excluded.currency = '' then catalog_prices.currency else excluded.currency end`,
            unit_amount: sql`case when excluded.deleted and not (excluded.data ? 'unit_amount') then catalog_prices.unit_amount else excluded.unit_amount end`,
            active: sql`case when excluded.deleted and not (excluded.data ? 'active') then catalog_prices.active else excluded.active end`,
            deleted: sql`excluded.deleted`,
            data: sql`case when excluded.deleted then catalog_prices.data || excluded.data else excluded.data end`,
            version_event_id: sql`excluded.version_event_id`,
            updated_at: sql`excluded.updated_at`,
          })
          // The same version again (a duplicate event, a repeated import) writes nothing.
          .where(sql<boolean>`catalog_prices.version_event_id <> excluded.version_event_id`),
      )
      .execute();
  }
  return before;
}

export interface ProductFilter {
  connectionId: string;
  active?: boolean;
  deleted?: boolean;
  /** Case-insensitive substring of the name. */
  search?: string;
}

export interface PriceFilter {
  connectionId: string;
  active?: boolean;
  deleted?: boolean;
  productId?: string;
  type?: 'one_time' | 'recurring';
  /** Case-insensitive substring of the price's nickname or its product's name. */
  search?: string;
}

export interface CatalogPage {
  limit: number;
  before?: { createdAt: Date; id: string };
}

const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Products newest first (Stripe's `created`, then id), by keyset. */
export async function listCatalogProducts(db: Db, filter: ProductFilter, page: CatalogPage): Promise<CatalogProductRow[]> {
  let query = db.selectFrom('catalog_products').selectAll().where('connection_id', '=', filter.connectionId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.deleted !== undefined) query = query.where('deleted', '=', filter.deleted);
  if (filter.search) query = query.where('name', 'ilike', likePattern(filter.search));
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) =>
      eb.or([eb('stripe_created', '<', createdAt), eb.and([eb('stripe_created', '=', createdAt), eb('stripe_id', '<', id)])]),
    );
  }
  return query.orderBy('stripe_created', 'desc').orderBy('stripe_id', 'desc').limit(page.limit).execute();
}

/** Prices newest first, with their product's name when the product is known. */
export async function listCatalogPrices(
  db: Db,
  filter: PriceFilter,
  page: CatalogPage,
): Promise<(CatalogPriceRow & { product_name: string | null })[]> {
  let query = db
    .selectFrom('catalog_prices as p')
    .leftJoin('catalog_products as pr', (join) =>
      join.onRef('pr.connection_id', '=', 'p.connection_id').onRef('pr.stripe_id', '=', 'p.product_id'),
    )
    .selectAll('p')
    .select('pr.name as product_name')
    .where('p.connection_id', '=', filter.connectionId);
  if (filter.active !== undefined) query = query.where('p.active', '=', filter.active);
  if (filter.deleted !== undefined) query = query.where('p.deleted', '=', filter.deleted);
  if (filter.productId) query = query.where('p.product_id', '=', filter.productId);
  if (filter.type) query = query.where('p.type', '=', filter.type);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    query = query.where((eb) => eb.or([eb('p.nickname', 'ilike', pattern), eb('pr.name', 'ilike', pattern)]));
  }
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) =>
      eb.or([eb('p.stripe_created', '<', createdAt), eb.and([eb('p.stripe_created', '=', createdAt), eb('p.stripe_id', '<', id)])]),
    );
  }
  return query.orderBy('p.stripe_created', 'desc').orderBy('p.stripe_id', 'desc').limit(page.limit).execute();
}

export async function findCatalogPrice(db: Db, connectionId: string, stripeId: string): Promise<CatalogPriceRow | undefined> {
  return db
    .selectFrom('catalog_prices')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('stripe_id', '=', stripeId)
    .executeTakeFirst();
}

export async function countCatalog(db: Db, connectionId: string): Promise<{ products: number; prices: number }> {
  const row = await sql<{ products: string; prices: string }>`
    select (select count(*) from catalog_products where connection_id = ${connectionId}) as products,
           (select count(*) from catalog_prices where connection_id = ${connectionId}) as prices`.execute(db);
  return { products: Number(row.rows[0]?.products ?? 0), prices: Number(row.rows[0]?.prices ?? 0) };
}

// ---- imports

/** Starts an import, or returns the one already queued or running for the connection. */
export async function insertCatalogImport(
  db: Db,
  values: { id: string; tenantId: string; connectionId: string; now: Date },
): Promise<{ row: CatalogImportRow; created: boolean }> {
  const inserted = await db
    .insertInto('catalog_imports')
    .values({
      id: values.id,
      tenant_id: values.tenantId,
      connection_id: values.connectionId,
      status: 'queued',
      phase: 'products',
      cursor: null,
      total: null,
      error: null,
      updated_at: values.now,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('connection_id').where('status', 'in', ['queued', 'running']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const running = await db
    .selectFrom('catalog_imports')
    .selectAll()
    .where('connection_id', '=', values.connectionId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (!running) throw new Error(`catalog import for ${values.connectionId} neither inserted nor found running`);
  return { row: running, created: false };
}

export async function findCatalogImport(db: Db, id: string): Promise<CatalogImportRow | undefined> {
  return db.selectFrom('catalog_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTenantCatalogImport(
  db: Db,
  tenantId: string,
  connectionId: string,
  id: string,
): Promise<CatalogImportRow | undefined> {
  return db
    .selectFrom('catalog_imports')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
}

export async function latestCatalogImport(db: Db, connectionId: string): Promise<CatalogImportRow | undefined> {
  return db
    .selectFrom('catalog_imports')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

type ImportChanges = Omit<Updateable<CatalogImportsTable>, 'id' | 'tenant_id' | 'connection_id' | 'products' | 'prices' | 'changed'> & {
  updated_at: Date;
};

/** Advances an import (cursor, counts, status), counting on top of what is stored when `add` is given. */
export async function updateCatalogImport(
  db: Db,
  id: string,
  changes: ImportChanges,
  add: { products?: number; prices?: number; changed?: number } = {},
): Promise<CatalogImportRow> {
  return db
    .updateTable('catalog_imports')
    .set({
      ...changes,
      products: sql`products + ${add.products ?? 0}`,
      prices: sql`prices + ${add.prices ?? 0}`,
      changed: sql`changed + ${add.changed ?? 0}`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
