import { z } from '@hono/zod-openapi';
import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import { formatMinorUnits } from '../../money';
import type { CatalogPriceRow, CatalogProductRow } from '../../store/catalog-schema';
import { listCatalogPrices, listCatalogProducts, type CatalogPage, type PriceFilter, type ProductFilter } from '../../store/catalog';

export const productView = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    name: z.string(),
    active: z.boolean(),
    deleted: z.boolean(),
    description: z.string().nullable(),
    default_price: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created: z.string(),
    updated_at: z.string(),
  })
  .openapi('CatalogProduct');

export const priceView = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    product: z.string().nullable(),
    product_name: z.string().nullable(),
    nickname: z.string().nullable(),
    type: z.string().nullable(),
    currency: z.string(),
    unit_amount: z.number().nullable(),
    unit_amount_display: z.string().nullable(),
    recurring: z.object({ interval: z.string(), interval_count: z.number() }).nullable(),
    active: z.boolean(),
    deleted: z.boolean(),
    lookup_key: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created: z.string(),
    updated_at: z.string(),
  })
  .openapi('CatalogPrice');

export type ProductView = z.infer<typeof productView>;
export type PriceView = z.infer<typeof priceView>;

const str = (value: unknown) => (typeof value === 'string' ? value : null);
const metadataOf = (data: Record<string, unknown>) =>
  Object.fromEntries(Object.entries((data.metadata as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]));

export function toProductView(row: CatalogProductRow): ProductView {
  return {
    id: row.stripe_id,
    connection_id: row.connection_id,
    name: row.name,
    active: row.active,
    deleted: row.deleted,
    description: str(row.data.description),
    default_price: str(row.data.default_price) ?? str((row.data.default_price as { id?: unknown } | null)?.id),
    metadata: metadataOf(row.data),
    created: new Date(row.stripe_created).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

export function toPriceView(row: CatalogPriceRow & { product_name?: string | null }): PriceView {
  const amount = row.unit_amount === null ? null : Number(row.unit_amount);
  const recurring = row.data.recurring as { interval?: unknown; interval_count?: unknown } | null | undefined;
  return {
    id: row.stripe_id,
    connection_id: row.connection_id,
    product: row.product_id,
    product_name: row.product_name ?? null,
    nickname: row.nickname,
    type: row.type,
    currency: row.currency,
    unit_amount: amount,
    unit_amount_display: amount === null || !row.currency ? null : formatMinorUnits(amount, row.currency),
    recurring:
      recurring && typeof recurring.interval === 'string'
        ? { interval: recurring.interval, interval_count: Number(recurring.interval_count ?? 1) }
        : null,
    active: row.active,
    deleted: row.deleted,
    lookup_key: str(row.data.lookup_key),
    metadata: metadataOf(row.data),
    created: new Date(row.stripe_created).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/** The connection's products, newest first; `limit + 1` rows so the caller can tell whether a next page exists. */
export async function listProducts(
  ctx: AppContext,
  tenantId: string,
  filter: ProductFilter,
  page: CatalogPage,
): Promise<CatalogProductRow[]> {
  await requireConnection(ctx, tenantId, filter.connectionId);
  return listCatalogProducts(ctx.store.db, filter, page);
}

export async function listPrices(
  ctx: AppContext,
  tenantId: string,
  filter: PriceFilter,
  page: CatalogPage,
): Promise<(CatalogPriceRow & { product_name: string | null })[]> {
  await requireConnection(ctx, tenantId, filter.connectionId);
  return listCatalogPrices(ctx.store.db, filter, page);
}
