import type { AppContext } from '../context';
import { dropMonthPartitionsBefore, ensureMonthPartitions, pruneEventKeys, type RetentionResult } from '../store/event-partitions';

const DAY_MS = 24 * 3600_000;

/**
 * How long a dedupe key outlives nothing else: Stripe redelivers an event for 3 days and backfill
 * reads 30 days of events by `created`, which is never later than receipt + 300 s. A key older than
 * 35 days can meet no delivery of its event again. Keys live max(this, retention), and never less
 * than their stored event (pruneEventKeys).
 */
export const EVENT_DEDUPE_WINDOW_DAYS = 35;

/** Hourly: the coming months exist weeks ahead, and a stray row leaves the default partition within the hour. */
export const EVENT_PARTITION_INTERVAL_MS = 60 * 60_000;

export interface EventRetentionReport extends RetentionResult {
  created: string[];
  keysDeleted: number;
}

/**
 * The partition round: creates this month's and the next two months' partitions (and any month that
 * reached the default partition), drops months older than PAYBRIDGE_EVENT_RETENTION_DAYS, and prunes
 * dedupe keys past their window. Ensure runs first, so no stray row hides from the key pruning.
 */
export async function maintainEventPartitions(
  ctx: AppContext,
  retentionDays = ctx.config.eventRetentionDays,
): Promise<EventRetentionReport> {
  const now = ctx.now();
  const created = await ensureMonthPartitions(ctx.store.db, now);
  const retention = await dropMonthPartitionsBefore(ctx.store.db, new Date(now.getTime() - retentionDays * DAY_MS));
  const keyDays = Math.max(EVENT_DEDUPE_WINDOW_DAYS, retentionDays);
  const keysDeleted = await pruneEventKeys(ctx.store.db, new Date(now.getTime() - keyDays * DAY_MS));
  return { created, ...retention, keysDeleted };
}
