import type { AppContext } from '../context';
import { PeriodicTask } from '../periodic-task';
import { addMissingBackfillCursors, claimDueBackfills, requestBackfillForAll } from '../store/backfill-cursors';
import { resumePausedEvents } from '../store/events';
import type { ConnectionRow } from '../store/schema';
import { backfillConnection } from './backfill';

/** How often each connection is backfilled. */
export const BACKFILL_INTERVAL_MS = 15 * 60_000;
/** How often a worker looks for connections whose turn has come. */
const BACKFILL_TICK_MS = 15_000;
/**
 * Backfills running at once in one process. At ~300 ms a Stripe call, 8 at a time visit 10,000
 * connections in about 6 minutes, inside the 15-minute interval; more worker processes add more.
 */
export const BACKFILL_CONCURRENCY = 8;

interface BackfillSchedulerOptions {
  intervalMs?: number;
  tickMs?: number;
  concurrency?: number;
}

/**
 * Catches up on events Stripe could not deliver (downtime, a deleted endpoint, a dropped delivery)
 * and on events left paused on an active connection. Each connection has its own due time
 * (`backfill_cursors.next_due_at`): every tick claims the connections whose turn has come, a few at
 * a time, and moves each to its next slot one interval later. Rounds are so spread over the
 * interval instead of one sweep over every connection, any number of worker processes share them,
 * and repair, enable or a re-created endpoint can make a connection due at once. When a worker
 * starts, every connection is made due: deliveries may have been missed while nothing ran.
 */
export class BackfillScheduler extends PeriodicTask {
  private started = false;

  constructor(ctx: AppContext, options: BackfillSchedulerOptions = {}) {
    const intervalMs = options.intervalMs ?? BACKFILL_INTERVAL_MS;
    const concurrency = options.concurrency ?? BACKFILL_CONCURRENCY;
    super(
      options.tickMs ?? BACKFILL_TICK_MS,
      async () => {
        if (!this.started) {
          await requestBackfillForAll(ctx.store.db, ctx.now());
          this.started = true;
        }
        await runDueBackfills(ctx, { intervalMs, concurrency });
      },
      (error) => ctx.logger.warn({ err: error, task: 'backfill' }, 'backfill tick failed; the next tick retries'),
    );
  }
}

/** Runs every backfill due now, `concurrency` at a time; returns how many connections it visited. */
export async function runDueBackfills(ctx: AppContext, options: { intervalMs: number; concurrency: number }): Promise<number> {
  await addMissingBackfillCursors(ctx.store.db, ctx.now());
  let visited = 0;
  // Each lane claims one connection at a time, so a slow account holds one lane, not a whole batch.
  const lane = async () => {
    for (;;) {
      const now = ctx.now();
      const [connection] = await claimDueBackfills(ctx.store.db, {
        now,
        nextDueAt: new Date(now.getTime() + options.intervalMs),
        limit: 1,
      });
      if (!connection) return;
      visited += 1;
      await backfillOne(ctx, connection).catch((error: unknown) =>
        ctx.logger.warn({ err: error, connectionId: connection.id }, 'backfill failed; the connection is retried at its next slot'),
      );
    }
  };
  // allSettled: a lane that fails to claim (store down) must not end the tick while others still run.
  const lanes = await Promise.allSettled(Array.from({ length: options.concurrency }, lane));
  const failed = lanes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return visited;
}

async function backfillOne(ctx: AppContext, connection: ConnectionRow): Promise<void> {
  // Enabling a connection resumes its paused events, but a worker that read the connection as
  // disabled just before can still commit one as paused afterwards. This round picks those up.
  const resumed = await resumePausedEvents(ctx.store.db, connection.id, ctx.now());
  if (resumed > 0) ctx.logger.warn({ connectionId: connection.id, resumed }, 'resumed events left paused on an active connection');
  const result = await backfillConnection(ctx, connection);
  const fields = { connectionId: connection.id, since: result.since, fetched: result.fetched, stored: result.stored, error: result.error };
  if (result.error) ctx.logger.warn(fields, 'backfill finished with an error');
  else ctx.logger.info(fields, 'backfill finished');
}
