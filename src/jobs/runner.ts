import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context';
import { isRetryable } from '../errors';
import { claimJobs, finishJob } from '../store/jobs';
import type { JobRow } from '../store/invoices-schema';
import { PollingLoop, inLanes } from '../polling-loop';
import { retryDelayMs } from '../webhooks/backoff';
import { JOB_RETRY, type JobHandlers, type JobKind } from './catalog';
import { buildJobHandlers } from './handlers';

export interface JobRunnerOptions {
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  idlePollMs?: number;
  handlers?: JobHandlers & { close?(): Promise<void> };
}

export interface JobRunResult {
  done: number;
  retried: number;
  dead: number;
}

/**
 * Runs queued jobs outside any transaction. Claims use SKIP LOCKED plus a lease, so any number of
 * runners share one database; a failure is retried with backoff (per kind, see JOB_RETRY) until the
 * kind's attempts run out, and errors that cannot improve (AppError with retryable=false) go dead at once.
 */
export class JobRunner {
  readonly id = `jobs_${randomBytes(6).toString('hex')}`;
  private readonly handlers: JobHandlers & { close?(): Promise<void> };
  private readonly options: Required<Omit<JobRunnerOptions, 'handlers'>>;
  private readonly loop: PollingLoop;
  private readonly onEnqueued = () => this.loop.wake();

  constructor(
    private readonly ctx: AppContext,
    options: JobRunnerOptions = {},
  ) {
    this.handlers = options.handlers ?? buildJobHandlers(ctx);
    this.options = {
      batchSize: options.batchSize ?? 20,
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 120_000,
      idlePollMs: options.idlePollMs ?? 500,
    };
    this.loop = new PollingLoop(
      async () => {
        const result = await this.runOnce();
        return result.done + result.retried + result.dead;
      },
      {
        idlePollMs: this.options.idlePollMs,
        onError: (error) => this.ctx.logger.error({ err: error }, 'job runner could not claim jobs; retrying'),
      },
    );
  }

  start(): this {
    this.ctx.bus.on('jobs-enqueued', this.onEnqueued);
    this.loop.start();
    return this;
  }

  async stop(): Promise<void> {
    this.ctx.bus.off('jobs-enqueued', this.onEnqueued);
    await this.loop.stop();
    await this.handlers.close?.();
  }

  /** Claims and runs one batch of due jobs. Tests drive this directly. */
  async runOnce(): Promise<JobRunResult> {
    const jobs = await claimJobs(this.ctx.store.db, {
      runnerId: this.id,
      now: this.ctx.now(),
      leaseMs: this.options.leaseMs,
      limit: this.options.batchSize,
    });
    const result: JobRunResult = { done: 0, retried: 0, dead: 0 };
    await inLanes(jobs, this.options.concurrency, async (job) => {
      result[await this.runJob(job)] += 1;
    });
    return result;
  }

  /** Runs until no job is due (bounded), for tests and the CLI. */
  async drain(maxRounds = 100): Promise<JobRunResult> {
    const total: JobRunResult = { done: 0, retried: 0, dead: 0 };
    for (let round = 0; round < maxRounds; round++) {
      const result = await this.runOnce();
      total.done += result.done;
      total.retried += result.retried;
      total.dead += result.dead;
      if (result.done + result.retried + result.dead === 0) break;
    }
    return total;
  }

  private async runJob(job: JobRow): Promise<'done' | 'retried' | 'dead'> {
    const kind = job.kind as JobKind;
    const handler = this.handlers[kind] as ((payload: unknown, job: JobRow) => Promise<void>) | undefined;
    const db = this.ctx.store.db;
    if (!handler) {
      await finishJob(db, job, this.id, {
        status: 'dead',
        error: `no handler for job kind ${job.kind} (written by a newer version?)`,
        now: this.ctx.now(),
      });
      return 'dead';
    }
    try {
      await handler(job.payload, job);
      await finishJob(db, job, this.id, { status: 'done', now: this.ctx.now() });
      return 'done';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const policy = JOB_RETRY[kind];
      const dead = !isRetryable(error) || job.attempts >= job.max_attempts;
      const now = this.ctx.now();
      await finishJob(
        db,
        job,
        this.id,
        dead
          ? { status: 'dead', error: message, now }
          : { status: 'pending', error: message, now, runAt: new Date(now.getTime() + retryDelayMs(job.attempts, policy)) },
      );
      this.ctx.logger.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, dead, err: error }, 'job failed');
      return dead ? 'dead' : 'retried';
    }
  }
}

/** Starts a runner for a worker process; `stop()` waits for the jobs in flight. */
export function startJobRunner(ctx: AppContext, options: JobRunnerOptions = {}): JobRunner {
  return new JobRunner(ctx, options).start();
}
