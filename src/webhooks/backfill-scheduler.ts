import type { AppContext } from '../context';
import { MaintenanceTask } from '../maintenance-task';
import { listAllLiveConnections } from '../store/connections';
import { resumePausedEvents } from '../store/events';
import { backfillConnection } from './backfill';

export const BACKFILL_INTERVAL_MS = 15 * 60_000;

/**
 * Catches up on events Stripe could not deliver (downtime, a dropped delivery) and on events left
 * paused on an active connection: when a worker starts and then every 15 minutes, for every active
 * connection, once across all worker processes. Deliveries and backfill share the dedupe key, so
 * overlap costs nothing but a skipped insert.
 */
export class BackfillScheduler extends MaintenanceTask {
  constructor(ctx: AppContext, intervalMs = BACKFILL_INTERVAL_MS) {
    super(ctx, 'backfill', intervalMs, () => backfillActiveConnections(ctx));
  }
}

async function backfillActiveConnections(ctx: AppContext): Promise<void> {
  const connections = (await listAllLiveConnections(ctx.store.db)).filter((connection) => connection.is_active);
  for (const connection of connections) {
    // Enabling a connection resumes its paused events, but a worker that read the connection as
    // disabled just before can still commit one as paused afterwards. This round picks those up.
    const resumed = await resumePausedEvents(ctx.store.db, connection.id, ctx.now());
    if (resumed > 0) ctx.logger.warn({ connectionId: connection.id, resumed }, 'resumed events left paused on an active connection');
    const result = await backfillConnection(ctx, connection);
    const fields = { connectionId: connection.id, fetched: result.fetched, stored: result.stored, error: result.error };
    if (result.error) ctx.logger.warn(fields, 'backfill finished with an error');
    else ctx.logger.info(fields, 'backfill finished');
  }
}
