import type { AppContext } from '../context';
import { replayProgress } from '../services/event-service';
import { ProgressReporter } from './progress-reporter';

const POLL_MS = 250;

/**
 * Follows a replay until the workers have processed every event it requeued, drawing the progress.
 * The CLI processes nothing itself: a running `paybridge serve` does. When none of the remaining
 * events moves for `stallMs`, it stops waiting and says so (the events stay queued); returns whether
 * the replay finished.
 */
export async function watchReplay(
  ctx: AppContext,
  tenantId: string,
  replay: { replayedAt: Date; requeued: number },
  options: { stallMs: number; reporter?: ProgressReporter },
): Promise<boolean> {
  const reporter = options.reporter ?? new ProgressReporter();
  let done = -1;
  let movedAt = Date.now();
  for (;;) {
    const progress = await replayProgress(ctx, tenantId, replay);
    reporter.update({ done: progress.done, total: progress.total, unit: 'events' });
    if (progress.done >= progress.total) break;
    if (progress.done !== done) {
      done = progress.done;
      movedAt = Date.now();
    } else if (Date.now() - movedAt >= options.stallMs) {
      reporter.finish();
      process.stderr.write(
        `no event of this replay finished in ${Math.round(options.stallMs / 1000)} s: is a worker running (paybridge serve)? The rest stay queued and run when one is.\n`,
      );
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  reporter.finish();
  return true;
}
