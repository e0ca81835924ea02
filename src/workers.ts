import type { AppContext } from './context';
import { queueDepth } from './store/events';
import { BackfillScheduler } from './webhooks/backfill-scheduler';
import { EventWorker, type WorkerOptions } from './webhooks/worker';
import { startJobRunner } from './jobs/runner';

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * The background side of a process (PAYBRIDGE_ROLE=worker or all): the event worker, the backfill
 * scheduler and the queue-depth gauge. Later capabilities (mail, outbound webhooks) start here too.
 */
export function startWorkers(ctx: AppContext, options: { worker?: WorkerOptions; backfill?: boolean } = {}): RunningWorkers {
  const worker = new EventWorker(ctx, options.worker);
  worker.start();
  const backfill = options.backfill === false ? undefined : new BackfillScheduler(ctx);
  backfill?.start();
  const jobs = startJobRunner(ctx);
  const gauge = setInterval(() => {
    queueDepth(ctx.store.db)
      .then((depth) => ctx.metrics.queueDepth.set(depth))
      .catch(() => undefined);
  }, 5_000);
  gauge.unref();
  return {
    async stop() {
      clearInterval(gauge);
      await Promise.all([worker.stop(), backfill?.stop(), jobs.stop()]);
    },
  };
}
