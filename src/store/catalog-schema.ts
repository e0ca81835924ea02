import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** JSON columns are written as strings (JSON.stringify) and read back parsed. */
type Json<T> = ColumnType<T, string, string>;
type Counter = ColumnType<number, number | undefined, number>;

export interface CatalogProductsTable {
  connection_id: string;
  stripe_id: string;
  tenant_id: string;
  name: string;
  active: boolean;
  deleted: boolean;
  data: Json<Record<string, unknown>>;
  stripe_created: Timestamp;
  version_event_id: string;
  updated_at: Timestamp;
}

export interface CatalogPricesTable {
  connection_id: string;
  stripe_id: string;
  tenant_id: string;
  product_id: string | null;
  nickname: string | null;
  type: string | null;
  currency: string;
  /** Minor units; bigint, read back as number or string (use Number()). */
  unit_amount: ColumnType<number | string | null, number | null, number | null>;
  active: boolean;
  deleted: boolean;
  data: Json<Record<string, unknown>>;
  stripe_created: Timestamp;
  version_event_id: string;
  updated_at: Timestamp;
}

export type CatalogImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type CatalogImportPhase = 'products' | 'prices' | 'done';

export interface CatalogImportsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  status: CatalogImportStatus;
  phase: CatalogImportPhase;
  /** The last Stripe id of the phase's list already stored (`starting_after` of the next page). */
  cursor: string | null;
  products: Counter;
  prices: Counter;
  /** Objects whose stored state this import changed (0 on a repeated import). */
  changed: Counter;
  /** Stripe's count of products and prices when the import started; null when it could not tell. */
  total: number | null;
  error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface CatalogTables {
  catalog_products: CatalogProductsTable;
  catalog_prices: CatalogPricesTable;
  catalog_imports: CatalogImportsTable;
}

export type CatalogProductRow = Selectable<CatalogProductsTable>;
export type CatalogPriceRow = Selectable<CatalogPricesTable>;
export type CatalogImportRow = Selectable<CatalogImportsTable>;
