import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../context';
import { buildHandlerRegistry } from '../handlers';
import type { HandlerRegistry } from '../handlers/registry';
import type { EventRow } from '../store/schema';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
import { processEvent } from './event-processor';
import { PollingLoop, inLanes } from '../polling-loop';

export interface WorkerOptions {
  /** Events claimed per round trip. */
  batchSize?: number;
  /** Events processed at once (each in its own transaction). */
  concurrency?: number;
  /** How long a claim lasts before another worker may take the event (a crashed worker's lease). */
  leaseMs?: number;
  idlePollMs?: number;
  retry?: RetryPolicy;
  registry?: HandlerRegistry;
}

/**
 * Claims due events from the database and processes them. Any number of workers, in any number of
 * processes, can run against one PostgreSQL: claims use FOR UPDATE SKIP LOCKED plus a lease, and
 * the processing transaction re-checks the lease, so no event is handled twice.
 */
export class EventWorker {
  readonly id = `worker_${randomBytes(6).toString('hex')}`;
  private readonly options: Required<WorkerOptions>;
  private readonly loop: PollingLoop;
  private readonly onStored = () => this.loop.wake();

  constructor(
    private readonly ctx: AppContext,
    options: WorkerOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 50,
      concurrency: options.concurrency ?? (ctx.store.kind === 'postgres' ? 8 : 1),
      leaseMs: options.leaseMs ?? 30_000,
      idlePollMs: options.idlePollMs ?? 500,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      registry: options.registry ?? buildHandlerRegistry(),
    };
    this.loop = new PollingLoop(() => this.runOnce(), {
      idlePollMs: this.options.idlePollMs,
      onError: (error) => this.ctx.logger.error({ err: error }, 'worker could not claim events; retrying'),
    });
  }

  start(): void {
    this.ctx.bus.on('events-stored', this.onStored);
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.ctx.bus.off('events-stored', this.onStored);
    await this.loop.stop();
  }

  /** Claims and processes one batch; returns how many events it handled. Tests drive this directly. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    await inLanes(claimed, this.options.concurrency, async (event) => {
      const outcome = await processEvent(this.ctx, this.options.registry, event, this.id, this.options.retry);
      if (outcome) {
        this.ctx.metrics.eventsOutcome.inc({ outcome: outcome.status });
        this.ctx.metrics.processingLag.observe((Date.now() - event.received_at.getTime()) / 1000);
      }
    });
    return claimed.length;
  }

  /** Processes until nothing is due (bounded by `maxRounds`); for tests and the CLI. */
  async drain(maxRounds = 1_000): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const handled = await this.runOnce();
      total += handled;
      if (handled === 0) break;
    }
    return total;
  }

  private async claim(): Promise<EventRow[]> {
    const now = this.ctx.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const result = await sql<EventRow>`
      update events set locked_by = ${this.id}, locked_until = ${leaseUntil}, attempts = attempts + 1
      where id in (
        select id from events
        where status in ('received', 'failed') and next_attempt_at <= ${now}
          and (locked_until is null or locked_until < ${now})
        order by next_attempt_at, stripe_created, id
        limit ${this.options.batchSize}
        for update skip locked
      )
      returning *`.execute(this.ctx.store.db);
    // Oldest first, so in the common case effects are applied in Stripe's order.
    return result.rows
      .map((row) => ({ ...row, received_at: new Date(row.received_at), stripe_created: Number(row.stripe_created) }))
      .sort((a, b) => a.stripe_created - b.stripe_created || a.id.localeCompare(b.id));
  }
}
