import type { AppContext } from '../context';
import { listAllLiveConnections } from '../store/connections';
import { backfillConnection } from './backfill';

export const BACKFILL_INTERVAL_MS = 15 * 60_000;

/**
 * Catches up on events Stripe could not deliver (downtime, a dropped delivery): once when a worker
 * starts, then every 15 minutes, for every active connection. Deliveries and backfill share the
 * dedupe key, so overlap costs nothing but a skipped insert.
 */
export class BackfillScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly ctx: AppContext, private readonly intervalMs = BACKFILL_INTERVAL_MS) {}

  start(): void {
    this.running = this.runAll();
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.runAll();
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async runAll(): Promise<void> {
    try {
      const connections = (await listAllLiveConnections(this.ctx.store.db)).filter((connection) => connection.is_active);
      for (const connection of connections) {
        const result = await backfillConnection(this.ctx, connection);
        const log = result.error ? this.ctx.logger.warn.bind(this.ctx.logger) : this.ctx.logger.info.bind(this.ctx.logger);
        log({ connectionId: connection.id, fetched: result.fetched, stored: result.stored, error: result.error }, 'backfill finished');
      }
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'backfill round failed; next round retries');
    } finally {
      this.running = undefined;
    }
  }
}
