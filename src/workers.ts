import { runDriftChecks } from './connections/connection-service';
import type { AppContext } from './context';
import { MaintenanceTask } from './maintenance-task';
import { queueDepth } from './store/events';
import { BackfillScheduler } from './webhooks/backfill-scheduler';
import { REJECTION_PRUNE_INTERVAL_MS, pruneOldRejections } from './webhooks/rejections';
import { EventWorker, type WorkerOptions } from './webhooks/worker';
import { EVENT_PARTITION_INTERVAL_MS, maintainEventPartitions } from './webhooks/event-retention';
import { startJobRunner } from './jobs/runner';
import { reportStalledPaymentRequests, STALL_CHECK_INTERVAL_MS } from './modules/payment-requests/stall-check';
import { startOutboundDispatcher } from './modules/outbound-webhooks/dispatcher';

export const DRIFT_CHECK_INTERVAL_MS = 30 * 60_000;

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * The background side of a process (PAYBRIDGE_ROLE=worker or all): the event worker, the job runner,
 * the maintenance rounds (backfill, endpoint drift, rejection retention, event partitions; once per interval across all worker processes;
 * `maintenance: false` turns them off), the outbound webhook dispatcher and the queue-depth gauge.
 */
export function startWorkers(ctx: AppContext, options: { worker?: WorkerOptions; maintenance?: boolean } = {}): RunningWorkers {
  const worker = new EventWorker(ctx, options.worker);
  worker.start();
  const backfill = options.maintenance === false ? undefined : new BackfillScheduler(ctx);
  backfill?.start();
  const jobs = startJobRunner(ctx);
  const outbound = startOutboundDispatcher(ctx);
  // Endpoint drift (deleted, disabled, URL or events changed in Stripe) marks connections needs_attention.
  const drift =
    options.maintenance === false
      ? undefined
      : new MaintenanceTask(ctx, 'endpoint-drift', DRIFT_CHECK_INTERVAL_MS, async () => {
          const result = await runDriftChecks(ctx);
          if (result.needsAttention.length > 0 || result.failed.length > 0)
            ctx.logger.warn(result, 'webhook endpoint drift check found problems');
        });
  drift?.start();
  const retention =
    options.maintenance === false
      ? undefined
      : new MaintenanceTask(ctx, 'rejection-retention', REJECTION_PRUNE_INTERVAL_MS, async () => {
          const deleted = await pruneOldRejections(ctx);
          if (deleted > 0) ctx.logger.info({ deleted }, 'pruned old webhook rejection rows');
        });
  retention?.start();
  const stalls =
    options.maintenance === false
      ? undefined
      : new MaintenanceTask(ctx, 'payment-request-stalls', STALL_CHECK_INTERVAL_MS, async () => {
          await reportStalledPaymentRequests(ctx);
        });
  stalls?.start();
  const partitions =
    options.maintenance === false
      ? undefined
      : new MaintenanceTask(ctx, 'event-partitions', EVENT_PARTITION_INTERVAL_MS, async () => {
          const report = await maintainEventPartitions(ctx);
          if (report.created.length + report.dropped.length + report.keysDeleted > 0)
            ctx.logger.info(report, 'event partitions maintained');
          if (report.kept.length > 0)
            ctx.logger.warn(
              { kept: report.kept },
              'expired event partitions still hold events to process or paused; kept until they are processed (replay or re-enable their connections)',
            );
        });
  partitions?.start();
  const gauge = setInterval(() => {
    queueDepth(ctx.store.db)
      .then((depth) => ctx.metrics.queueDepth.set(depth))
      .catch(() => undefined);
  }, 5_000);
  gauge.unref();
  return {
    async stop() {
      clearInterval(gauge);
      await Promise.all([
        worker.stop(),
        backfill?.stop(),
        drift?.stop(),
        retention?.stop(),
        stalls?.stop(),
        partitions?.stop(),
        jobs.stop(),
        outbound.stop(),
      ]);
    },
  };
}
