import { isDeepStrictEqual } from 'node:util';
import type Stripe from 'stripe';
import { stripeFor } from '../../billing/payment-link';
import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, isRetryable, notFound } from '../../errors';
import { newId } from '../../ids';
import type { CatalogImportPhase, CatalogImportRow } from '../../store/catalog-schema';
import {
  countCatalog as countStoredCatalog,
  findCatalogImport,
  findTenantCatalogImport,
  latestCatalogImport,
  insertCatalogImport,
  projectCatalogObjects,
  updateCatalogImport,
  type CatalogVersion,
} from '../../store/catalog';
import type { JobAttempt } from '../../jobs/catalog';
import { ObjectVersions } from '../../store/stripe-objects';
import { findConnection } from '../../store/connections';
import { fromStripeError } from '../../stripe/stripe-errors';
import { recordArchivedPrices } from './price-archived';

/** Stripe's largest page. */
const PAGE_SIZE = 100;
/** A run stops after this long and queues its continuation, so no job outlives its lease. */
const RUN_BUDGET_MS = 60_000;

export interface CatalogImportView {
  id: string;
  connection_id: string;
  status: CatalogImportRow['status'];
  phase: CatalogImportPhase;
  products: number;
  prices: number;
  done: number;
  total: number | null;
  changed: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export function viewCatalogImport(row: CatalogImportRow): CatalogImportView {
  const done = row.products + row.prices;
  return {
    id: row.id,
    connection_id: row.connection_id,
    status: row.status,
    phase: row.phase,
    products: row.products,
    prices: row.prices,
    done,
    total: row.total,
    changed: row.changed,
    error: row.error,
    created_at: new Date(row.created_at).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/**
 * Starts importing the connection's products and prices, or returns the import already under way
 * for it (`created: false`): two clicks make one import.
 */
export async function startCatalogImport(
  ctx: AppContext,
  tenantId: string,
  connectionId: string,
): Promise<{ view: CatalogImportView; created: boolean }> {
  const connection = await requireConnection(ctx, tenantId, connectionId);
  if (connection.status === 'disconnected') {
    throw new AppError({
      code: 'connection_disconnected',
      status: 409,
      message: `Connection ${connectionId} is disconnected; reconnect it (PATCH its secret key) before importing its catalog.`,
    });
  }
  const { row, created } = await inUnitOfWork(ctx, async (effects) => {
    const started = await insertCatalogImport(effects.trx, { id: newId('catalogImport'), tenantId, connectionId, now: effects.now });
    if (started.created)
      await effects.enqueue('catalog.import', { import_id: started.row.id }, { dedupeKey: `catalog.import:${started.row.id}:0` });
    return started;
  });
  return { view: viewCatalogImport(row), created };
}

/** For the CLI, which names only the connection: its tenant is the connection's. */
export async function connectionTenant(ctx: AppContext, connectionId: string): Promise<string> {
  const connection = await findConnection(ctx.store.db, connectionId);
  if (!connection) throw notFound('connection', connectionId);
  return connection.tenant_id;
}

/** What the dashboard shows: the latest import and how many products and prices are stored. */
export async function catalogOverview(ctx: AppContext, tenantId: string, connectionId: string) {
  await requireConnection(ctx, tenantId, connectionId);
  const [latest, counts] = await Promise.all([
    latestCatalogImport(ctx.store.db, connectionId),
    countStoredCatalog(ctx.store.db, connectionId),
  ]);
  return { latest: latest && viewCatalogImport(latest), counts };
}

export async function requireCatalogImport(
  ctx: AppContext,
  tenantId: string,
  connectionId: string,
  importId: string,
): Promise<CatalogImportView> {
  await requireConnection(ctx, tenantId, connectionId);
  const row = await findTenantCatalogImport(ctx.store.db, tenantId, connectionId, importId);
  if (!row) throw notFound('catalog import', importId);
  return viewCatalogImport(row);
}

interface ListPage {
  phase: 'products' | 'prices';
  data: Record<string, unknown>[];
  hasMore: boolean;
  /** When Stripe answered, epoch seconds: the version time of what it returned. */
  fetchedAt: number;
}

async function fetchPage(stripe: Stripe, phase: 'products' | 'prices', cursor: string | null): Promise<ListPage> {
  const params = { limit: PAGE_SIZE, ...(cursor ? { starting_after: cursor } : {}) };
  let list: Stripe.ApiList<Stripe.Product | Stripe.Price>;
  try {
    list = phase === 'products' ? await stripe.products.list(params) : await stripe.prices.list(params);
  } catch (error) {
    throw fromStripeError(error, `listing the account's ${phase}`);
  }
  return {
    phase,
    // The SDK turns decimal strings (`unit_amount_decimal`) into Decimal objects; their JSON is the
    // wire form that events carry and the store keeps, so compare and store that.
    data: JSON.parse(JSON.stringify(list.data)) as Record<string, unknown>[],
    hasMore: list.has_more,
    fetchedAt: Math.floor(Date.now() / 1000),
  };
}

/** Stripe's own count of products and prices (Search API `total_count`); null when search cannot tell. */
async function countCatalog(ctx: AppContext, stripe: Stripe): Promise<number | null> {
  const everything = { query: "active:'true' OR active:'false'", limit: 1, expand: ['total_count'] };
  try {
    const [products, prices] = await Promise.all([stripe.products.search(everything), stripe.prices.search(everything)]);
    if (typeof products.total_count !== 'number' || typeof prices.total_count !== 'number') return null;
    return products.total_count + prices.total_count;
  } catch (error) {
    // Search is not offered everywhere; the import works without a total, the bar shows counts only.
    ctx.logger.info({ err: error }, 'catalog import: Stripe search gave no count; progress shows counts only');
    return null;
  }
}

/**
 * One page into the object store and the lists, with the import's cursor, in one transaction: a crash
 * between pages resumes after the last page stored. A fetched object is a version dated one second
 * before the answer, named after the import: an event of that second or later outranks it (it may
 * describe a change the list did not see yet), an older one never does, and a deleted object stays
 * deleted. An object identical to the stored one is not written at all, so a repeated import changes
 * nothing.
 */
async function storePage(
  ctx: AppContext,
  row: CatalogImportRow,
  page: ListPage,
  next: { phase: CatalogImportPhase; cursor: string | null },
) {
  return inUnitOfWork(ctx, async (effects) => {
    const objectType = page.phase === 'products' ? 'product' : 'price';
    const keys = page.data.map((object) => ({ connectionId: row.connection_id, stripeId: String(object.id) }));
    const versions = await ObjectVersions.lock(effects.trx, keys);
    const changed: CatalogVersion[] = [];
    const unchanged: CatalogVersion[] = [];
    for (const object of page.data) {
      const key = { connectionId: row.connection_id, stripeId: String(object.id) };
      const stored = versions.peek(key);
      if (stored && (stored.deleted || isDeepStrictEqual(stored.data, object))) {
        unchanged.push(stored);
        continue;
      }
      const applied = versions.apply({
        ...key,
        objectType,
        version: { created: page.fetchedAt - 1, eventId: `import_${row.id}`, object, previous: null, deleted: false },
      });
      (applied.outcome === 'superseded' ? unchanged : changed).push(applied.current);
    }
    await versions.write(effects.trx);
    const owner = { tenantId: row.tenant_id, connectionId: row.connection_id };
    // Unchanged objects are projected too (a no-op when the list already holds that version), so an
    // object stored before the lists existed still appears in them.
    const before = await projectCatalogObjects(effects.trx, owner, [...changed, ...unchanged], effects.now);
    recordArchivedPrices(effects, owner, changed, before);
    return updateCatalogImport(
      effects.trx,
      row.id,
      { phase: next.phase, cursor: next.cursor, updated_at: effects.now },
      { [page.phase]: page.data.length, changed: changed.length },
    );
  });
}

/**
 * Runs (or resumes) an import from its stored phase and cursor. The next page is fetched while the
 * current one is written. After RUN_BUDGET_MS it queues its own continuation and returns.
 */
export async function runCatalogImport(
  ctx: AppContext,
  importId: string,
  job: Pick<JobAttempt, 'attempts' | 'max_attempts'>,
): Promise<void> {
  let row = await findCatalogImport(ctx.store.db, importId);
  if (!row || row.status === 'succeeded' || row.status === 'failed') return;
  try {
    const connection = await requireConnection(ctx, row.tenant_id, row.connection_id);
    const stripe = stripeFor(ctx, connection);
    if (row.status === 'queued' || row.total === null) {
      row = await updateCatalogImport(ctx.store.db, row.id, {
        status: 'running',
        total: row.total ?? (await countCatalog(ctx, stripe)),
        updated_at: ctx.now(),
      });
    }
    const started = Date.now();
    let pages = 0;
    const resumeAt = row.phase;
    let pending: Promise<ListPage> | null = resumeAt === 'done' ? null : fetchPage(stripe, resumeAt, row.cursor);
    while (pending) {
      const page = await pending;
      const last = page.data.at(-1);
      const next: { phase: CatalogImportPhase; cursor: string | null } =
        page.hasMore && last
          ? { phase: page.phase, cursor: String(last.id) }
          : { phase: page.phase === 'products' ? 'prices' : 'done', cursor: null };
      pending = next.phase === 'done' ? null : fetchPage(stripe, next.phase, next.cursor);
      // A page still in flight when the write fails must not surface as an unhandled rejection.
      pending?.catch(() => undefined);
      row = await storePage(ctx, row, page, next);
      pages += 1;
      if (pending && Date.now() - started > RUN_BUDGET_MS) {
        const stored = row.products + row.prices;
        await inUnitOfWork(ctx, (effects) =>
          effects.enqueue('catalog.import', { import_id: importId }, { dedupeKey: `catalog.import:${importId}:${stored}` }),
        );
        return;
      }
    }
    const done = row.products + row.prices;
    // Search counts lag and stop being exact past 10,000: at the end the real count is the total.
    await updateCatalogImport(ctx.store.db, row.id, {
      status: 'succeeded',
      phase: 'done',
      total: done,
      finished_at: ctx.now(),
      updated_at: ctx.now(),
    });
    ctx.logger.info({ importId, pages, products: row.products, prices: row.prices, changed: row.changed }, 'catalog import finished');
  } catch (error) {
    if (!isRetryable(error) || job.attempts >= job.max_attempts) {
      const message = error instanceof Error ? error.message : String(error);
      await updateCatalogImport(ctx.store.db, importId, {
        status: 'failed',
        error: message,
        finished_at: ctx.now(),
        updated_at: ctx.now(),
      });
    }
    throw error;
  }
}
