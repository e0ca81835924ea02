import { EventEmitter } from 'node:events';
import { Logger, run, runOnce, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { AppContext } from '../context';
import { isRetryable } from '../errors';
import { closeJobQueuePool, failJobsForGood, openJobQueuePool } from '../store/jobs';
import type { JobAttempt, JobHandlers, JobKind } from './catalog';
import { buildJobHandlers } from './handlers';

export interface JobRunnerOptions {
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How often an idle runner looks for due jobs; new jobs wake it at once through add_job's NOTIFY. */
  idlePollMs?: number;
  handlers?: JobHandlers & { close?(): Promise<void> };
}

export interface JobRunResult {
  done: number;
  retried: number;
  dead: number;
}

/**
 * Runs queued jobs outside any transaction on graphile-worker: it claims with SKIP LOCKED, wakes on
 * the NOTIFY that `add_job` sends at commit, retries with its own backoff until the kind's
 * attempts (JOB_RETRY) run out, and frees the jobs of a runner that died. Paybridge adds one rule:
 * an error that cannot improve (AppError with retryable=false) fails the job for good at once.
 * A job of a kind this version has no handler for is left queued for a version that has one.
 */
export class JobRunner {
  private readonly handlers: JobHandlers & { close?(): Promise<void> };
  private readonly concurrency: number;
  private readonly idlePollMs: number;
  private readonly logger: Logger;
  private running?: { runner: Promise<Runner>; pool: pg.Pool; settled: Set<Promise<void>> };

  constructor(
    private readonly ctx: AppContext,
    options: JobRunnerOptions = {},
  ) {
    this.handlers = options.handlers ?? buildJobHandlers(ctx);
    this.concurrency = options.concurrency ?? 4;
    this.idlePollMs = options.idlePollMs ?? 2_000;
    this.logger = new Logger(() => (level, message) => {
      // graphile-worker reports every failed attempt as an error; a retry is a warning here, as before.
      if (level === 'error' || level === 'warning') ctx.logger.warn(message);
      else ctx.logger.debug(message);
    });
  }

  start(): this {
    if (this.running) return this;
    const pool = openJobQueuePool(this.ctx.store, this.concurrency + 2);
    const settled = new Set<Promise<void>>();
    const runner = run({
      pgPool: pool,
      taskList: this.taskList(),
      concurrency: this.concurrency,
      pollInterval: this.idlePollMs,
      // No cron items: without this, graphile-worker would read a `crontab` file from the working directory.
      parsedCronItems: [],
      noHandleSignals: true,
      logger: this.logger,
      events: this.watch(undefined, settled),
    });
    runner.catch((error: unknown) => this.ctx.logger.error({ err: error }, 'job runner could not start'));
    this.running = { runner, pool, settled };
    return this;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      const runner = await running.runner.catch(() => undefined);
      await runner?.stop();
      await Promise.all(running.settled);
      await closeJobQueuePool(running.pool);
    }
    await this.handlers.close?.();
  }

  /** Runs every due job once (as many as become due meanwhile too). Tests and the CLI drive this. */
  async runOnce(): Promise<JobRunResult> {
    const result: JobRunResult = { done: 0, retried: 0, dead: 0 };
    const settled = new Set<Promise<void>>();
    const pool = openJobQueuePool(this.ctx.store, this.concurrency + 1);
    try {
      await runOnce({
        pgPool: pool,
        taskList: this.taskList(),
        concurrency: this.concurrency,
        noHandleSignals: true,
        logger: this.logger,
        events: this.watch(result, settled),
      });
      await Promise.all(settled);
    } finally {
      await closeJobQueuePool(pool);
    }
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

  /** Ids of jobs whose last attempt threw an error that cannot improve. */
  private readonly hopeless = new Set<string>();

  /** One graphile-worker task per catalog kind, calling the handler with the payload and the attempt. */
  private taskList(): TaskList {
    const tasks: TaskList = {};
    for (const kind of Object.keys(this.handlers) as (JobKind | 'close')[]) {
      if (kind === 'close') continue;
      const handler = this.handlers[kind] as (payload: unknown, job: JobAttempt) => Promise<void>;
      tasks[kind] = async (payload, helpers) => {
        const job: JobAttempt = { id: String(helpers.job.id), attempts: helpers.job.attempts, max_attempts: helpers.job.max_attempts };
        try {
          await handler(payload, job);
        } catch (error) {
          if (!isRetryable(error)) this.hopeless.add(job.id);
          throw error;
        }
      };
    }
    return tasks;
  }

  /**
   * Counts outcomes into `result` (when given) and fails hopeless jobs for good once graphile-worker
   * has recorded the attempt (permanently_fail_jobs skips locked jobs); `settled` collects that work.
   */
  private watch(result: JobRunResult | undefined, settled: Set<Promise<void>>): WorkerEvents {
    const events: WorkerEvents = new EventEmitter();
    events.on('job:success', () => {
      if (result) result.done += 1;
    });
    events.on('job:complete', ({ job, error }) => {
      if (!error) return;
      const id = String(job.id);
      const hopeless = this.hopeless.delete(id);
      const dead = hopeless || job.attempts >= job.max_attempts;
      if (result) result[dead ? 'dead' : 'retried'] += 1;
      this.ctx.logger.warn({ jobId: id, kind: job.task_identifier, attempt: job.attempts, dead, err: error }, 'job failed');
      if (!hopeless) return;
      const message = error instanceof Error ? error.message : String(error);
      const work = failJobsForGood(this.ctx.store.db, [id], message).catch((failure: unknown) =>
        this.ctx.logger.error({ err: failure, jobId: id }, 'could not fail a job for good; it will be retried'),
      );
      settled.add(work);
      void work.finally(() => settled.delete(work));
    });
    return events;
  }
}

/** Starts a runner for a worker process; `stop()` waits for the jobs in flight. */
export function startJobRunner(ctx: AppContext, options: JobRunnerOptions = {}): JobRunner {
  return new JobRunner(ctx, options).start();
}
