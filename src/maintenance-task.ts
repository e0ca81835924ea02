import { hostname } from 'node:os';
import type { AppContext } from './context';
import { PeriodicTask } from './periodic-task';
import { claimMaintenanceRound } from './store/maintenance-rounds';

/** Names this process in `maintenance_rounds.holder`, so an operator can tell who ran a round. */
const HOLDER = `${hostname()}:${process.pid}`;

/**
 * A maintenance round (backfill, endpoint drift check) that runs once per interval across every
 * worker process on the database, not once per process: each tick claims the round first and
 * skips it when another process already started it. It also runs when a worker starts, if due.
 */
export class MaintenanceTask extends PeriodicTask {
  constructor(ctx: AppContext, name: string, intervalMs: number, run: () => Promise<void>) {
    super(
      intervalMs,
      async () => {
        if (await claimMaintenanceRound(ctx.store.db, { name, holder: HOLDER, now: ctx.now(), intervalMs })) await run();
      },
      (error) => ctx.logger.warn({ err: error, task: name }, `${name} round failed; the next round retries`),
    );
  }
}
