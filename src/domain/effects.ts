import type { JobCatalog, JobKind } from '../jobs/catalog';
import type { Db } from '../store/database';
import { appendDomainEvents, type NewDomainEvent } from '../store/domain-events';
import { enqueueJob } from '../store/jobs';
import { sendNotifications } from '../store/notifications';
import { encodeSignal, signalKey, type Signal } from './signals';

/** The Stripe event a unit of work is processing; absent for changes made through the API or the dashboard. */
export interface EffectsCause {
  readonly stripeEventId: string;
  readonly connectionId: string;
  readonly tenantId: string;
}

interface DomainEventInput {
  readonly tenantId: string;
  /** `invoice.paid`, `connection.needs_attention`…: `<object type>.<what happened>`. */
  readonly type: string;
  readonly object: { readonly type: string; readonly id: string };
  /** The object as it is after the change. */
  readonly snapshot: unknown;
  /** Defaults to the cause's connection. */
  readonly connectionId?: string | null;
}

/** What the units of work of one transaction have queued; written once, just before commit. */
class Journal {
  readonly domainEvents: NewDomainEvent[] = [];
  readonly signals = new Map<string, Signal>();
}

/**
 * The unit of work of one change: the transaction, plus everything that must happen exactly when it
 * commits — jobs to run, domain events to append, other processes to tell. Business code writes its
 * state with `trx` and its consequences through these methods, and never wakes anything by hand:
 * `flush()` writes the domain events and queues the notifications inside the transaction, and the
 * caller raises the returned signals in-process after commit (src/domain/unit-of-work.ts).
 */
export class Effects {
  private constructor(
    readonly trx: Db,
    readonly now: Date,
    readonly cause: EffectsCause | undefined,
    private readonly journal: Journal,
  ) {}

  /** A new unit of work on `trx`. */
  static begin(trx: Db, now: Date, options: { cause?: EffectsCause } = {}): Effects {
    return new Effects(trx, now, options.cause, new Journal());
  }

  /** The same transaction and journal, for another event of a chunk processed together. */
  forCause(cause: EffectsCause, now: Date): Effects {
    return new Effects(this.trx, now, cause, this.journal);
  }

  /**
   * Queues a job that runs after commit (graphile-worker's add_job on this transaction; its NOTIFY
   * wakes the job runners of every process at commit). While a job with the same `dedupeKey` is
   * queued, running or failed for good, nothing is added; returns whether a job was.
   */
  async enqueue<K extends JobKind>(kind: K, payload: JobCatalog[K], options: { dedupeKey?: string; runAt?: Date } = {}): Promise<boolean> {
    return enqueueJob(this.trx, kind, payload, options);
  }

  /** Appends a domain event at commit, numbered in the tenant's sequence; tells listeners the object changed. */
  recordDomainEvent(event: DomainEventInput): void {
    this.journal.domainEvents.push({
      tenantId: event.tenantId,
      type: event.type,
      objectType: event.object.type,
      objectId: event.object.id,
      snapshot: event.snapshot,
      stripeEventId: this.cause?.stripeEventId ?? null,
      connectionId: event.connectionId === undefined ? (this.cause?.connectionId ?? null) : event.connectionId,
    });
    if (event.object.type === 'connection') this.signal({ kind: 'connection', connectionId: event.object.id });
    else this.signal({ kind: 'payable', tenantId: event.tenantId, payableType: event.object.type, payableId: event.object.id });
  }

  /** Tells this process and the others, at commit, that something changed (duplicates are merged). */
  signal(signal: Signal): void {
    this.journal.signals.set(signalKey(signal), signal);
  }

  /**
   * Writes the journal inside the transaction: domain events last, so their tenants' sequence rows
   * are locked only from here to commit. Returns the signals to raise in-process once committed.
   */
  async flush(): Promise<Signal[]> {
    const { domainEvents, signals } = this.journal;
    if (domainEvents.length > 0) await appendDomainEvents(this.trx, domainEvents.splice(0), this.now);
    const pending = [...signals.values()];
    signals.clear();
    await sendNotifications(this.trx, pending.map(encodeSignal));
    return pending;
  }
}
