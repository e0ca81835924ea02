import { CallBatcher } from '../call-batcher';
import type { Db } from '../store/database';
import { insertEvents, type IncomingEvent } from '../store/events';

export type WriteOutcome = 'stored' | 'duplicate';

interface Pending {
  event: IncomingEvent;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for incoming events. Each delivery waits for its own durable insert, but deliveries
 * arriving together share one multi-row INSERT and one commit, which is what lets one PostgreSQL
 * take thousands of acknowledged events per second. When the store refuses a batch because of a
 * row's data, the batch is retried in halves down to single rows, so a row the store refuses fails
 * only its own delivery (503, Stripe retries) and not the other tenants' deliveries that happened to
 * share its batch. None is acknowledged before its
 * row is committed.
 */
export class EventWriter {
  private readonly batcher: CallBatcher<Pending>;

  constructor(
    private readonly db: Db,
    private readonly options: { maxBatch: number; maxInFlight: number; onStored?: (events: IncomingEvent[]) => void },
  ) {
    this.batcher = new CallBatcher({ maxBatch: options.maxBatch, maxInFlight: options.maxInFlight, run: (batch) => this.flush(batch) });
  }

  write(event: IncomingEvent): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => this.batcher.add({ event, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      this.settle(
        batch,
        await insertEvents(
          this.db,
          batch.map((pending) => pending.event),
        ),
      );
    } catch (error) {
      if (batch.length === 1 || !isRowError(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // In halves, in order, until each refused row fails alone: one bad row in 500 costs about 18
      // inserts instead of 500, and with one batch in flight every newer delivery waits for them.
      const middle = Math.ceil(batch.length / 2);
      await this.flush(batch.slice(0, middle));
      await this.flush(batch.slice(middle));
    }
  }

  private settle(batch: Pending[], stored: Set<string>): void {
    const newlyStored: IncomingEvent[] = [];
    for (const pending of batch) {
      const key = `${pending.event.connection_id}/${pending.event.stripe_event_id}`;
      // A key appears once in `stored` even if the batch held it twice: the first caller gets it.
      if (stored.delete(key)) {
        newlyStored.push(pending.event);
        pending.resolve('stored');
      } else {
        pending.resolve('duplicate');
      }
    }
    if (newlyStored.length > 0) this.options.onStored?.(newlyStored);
  }
}

/**
 * True when PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23,
 * integrity): then some row is to blame and the others can go in. An outage or a timeout is not
 * a row's fault, and retrying 500 rows one by one against it would only hold the answers longer.
 */
function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
