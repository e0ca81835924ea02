import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context';
import { buildHandlerRegistry } from '../handlers';
import type { HandlerRegistry } from '../handlers/registry';
import type { ModuleRegistry } from '../domain/module-registry';
import { buildModuleRegistry } from '../modules';
import { claimDueEvents } from '../store/event-queue';
import type { EventRow } from '../store/schema';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
import { processEvents, type ProcessingScope } from './event-processor';
import { PollingLoop } from '../polling-loop';

export interface WorkerOptions {
  /** Events claimed per round trip. */
  batchSize?: number;
  /** Transactions processing a claimed batch at once (the batch is split into this many chunks). */
  concurrency?: number;
  /** How long a claim lasts before another worker may take the event (a crashed worker's lease). */
  leaseMs?: number;
  idlePollMs?: number;
  retry?: RetryPolicy;
  registry?: HandlerRegistry;
  modules?: ModuleRegistry;
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
      batchSize: options.batchSize ?? (ctx.store.kind === 'postgres' ? 200 : 100),
      concurrency: options.concurrency ?? (ctx.store.kind === 'postgres' ? 8 : 1),
      leaseMs: options.leaseMs ?? 30_000,
      idlePollMs: options.idlePollMs ?? 500,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      registry: options.registry ?? buildHandlerRegistry(),
      modules: options.modules ?? buildModuleRegistry(),
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
    const now = this.ctx.now();
    const claimed = await claimDueEvents(this.ctx.store.db, {
      workerId: this.id,
      now,
      leaseUntil: new Date(now.getTime() + this.options.leaseMs),
      limit: this.options.batchSize,
    });
    const { registry, modules, retry } = this.options;
    const scope: ProcessingScope = { ctx: this.ctx, registry, modules, workerId: this.id, policy: retry };
    await Promise.all(
      chunksByObject(claimed, this.options.concurrency).map(async (chunk) => {
        for (const { event, outcome } of await processEvents(scope, chunk)) {
          this.ctx.metrics.eventsOutcome.inc({ outcome: outcome.status });
          // The clock that stamped received_at, so lag stays right under a test clock too.
          this.ctx.metrics.processingLag.observe((this.ctx.now().getTime() - event.received_at.getTime()) / 1000);
        }
      }),
    );
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
}

/**
 * Splits a batch into at most `count` chunks of similar size, keeping every event of one object in
 * the same chunk and in the batch's order: two transactions never race on one object, and its
 * versions are applied oldest first.
 */
export function chunksByObject(events: readonly EventRow[], count: number): EventRow[][] {
  const chunks: EventRow[][] = Array.from({ length: Math.max(1, Math.min(count, events.length)) }, () => []);
  const chunkOfObject = new Map<string, number>();
  for (const event of events) {
    const key = `${event.connection_id}/${event.object_id ?? event.id}`;
    let index = chunkOfObject.get(key);
    if (index === undefined) {
      index = chunkOfObject.size % chunks.length;
      chunkOfObject.set(key, index);
    }
    chunks[index]!.push(event);
  }
  return chunks.filter((chunk) => chunk.length > 0);
}
