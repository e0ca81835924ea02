import type { AppContext } from '../../context';
import { BUS_EVENT, RESYNC_EVENT, type Signal } from '../../domain/signals';
import { notFound } from '../../errors';
import { findTenantPaymentRequest } from '../../store/payment-requests';
import type { PaymentRequestRow } from '../../store/payment-requests-schema';
import { PAYMENT_REQUEST_PAYABLE } from './payment-requests-module';

interface Waiter {
  readonly knownStatus: string;
  readonly done: (row: PaymentRequestRow) => void;
}

interface Watched {
  readonly tenantId: string;
  readonly id: string;
  readonly waiters: Set<Waiter>;
  /** The newest row read; what a waiter whose time runs out answers with. */
  latest: PaymentRequestRow | undefined;
  reading: boolean;
  /** A wake arrived during a read: the read may predate that commit, so read once more. */
  again: boolean;
}

/**
 * Every long-poll of this process, keyed by tenant and request id (a poll naming another tenant's
 * request never shares, or spoils, that tenant's entry). A waiting request holds no database
 * connection: it is a timer and an entry here. The `payable` signal (raised after a commit in this
 * process, or relayed by LISTEN from another process) wakes a request's waiters with ONE read, however
 * many wait on it; the waiters whose known status differs from the row answer, the others keep waiting.
 */
export class PaymentRequestWaiters {
  private readonly watched = new Map<string, Watched>();

  constructor(private readonly ctx: AppContext) {
    ctx.bus.on(BUS_EVENT.payable, (signal: Extract<Signal, { kind: 'payable' }>) => {
      if (signal.payableType === PAYMENT_REQUEST_PAYABLE) this.wake(keyOf(signal.tenantId, signal.payableId));
    });
    // Notifications sent while the relay was reconnecting are lost: read every watched request again.
    ctx.bus.on(RESYNC_EVENT, () => {
      for (const key of this.watched.keys()) this.wake(key);
    });
  }

  /** Requests with at least one waiter, and waiters in all (metrics, tests). */
  size(): { requests: number; waiters: number } {
    let waiters = 0;
    for (const entry of this.watched.values()) waiters += entry.waiters.size;
    return { requests: this.watched.size, waiters };
  }

  /**
   * Answers at once when the request's status differs from `knownStatus`, otherwise when it changes,
   * after `waitMs` (with the unchanged request), or when `signal` aborts (the client went away).
   */
  async wait(tenantId: string, id: string, knownStatus: string, waitMs: number, signal?: AbortSignal): Promise<PaymentRequestRow> {
    // Registered before the first read, so a commit between that read and the wait cannot be missed.
    let resolve!: (row: PaymentRequestRow | undefined) => void;
    const promise = new Promise<PaymentRequestRow | undefined>((done) => (resolve = done));
    const waiter: Waiter = { knownStatus, done: resolve };
    const key = keyOf(tenantId, id);
    const existing = this.watched.get(key);
    const entry: Watched = existing ?? { tenantId, id, waiters: new Set(), latest: undefined, reading: false, again: false };
    if (!existing) this.watched.set(key, entry);
    entry.waiters.add(waiter);
    const timer = setTimeout(() => resolve(entry.latest), waitMs);
    const onAbort = () => resolve(entry.latest);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const row = await findTenantPaymentRequest(this.ctx.store.db, tenantId, id);
      if (!row) throw notFound('payment request', id);
      if (!entry.latest || new Date(row.updated_at) >= new Date(entry.latest.updated_at)) entry.latest = row;
      if (entry.latest.status !== knownStatus) return entry.latest;
      if (signal?.aborted) return entry.latest;
      return (await promise) ?? entry.latest ?? row;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      entry.waiters.delete(waiter);
      if (entry.waiters.size === 0 && this.watched.get(key) === entry) this.watched.delete(key);
    }
  }

  private wake(key: string): void {
    const entry = this.watched.get(key);
    if (!entry) return;
    if (entry.reading) {
      entry.again = true;
      return;
    }
    entry.reading = true;
    void this.readAndAnswer(entry);
  }

  private async readAndAnswer(entry: Watched): Promise<void> {
    try {
      do {
        entry.again = false;
        const row = await findTenantPaymentRequest(this.ctx.store.db, entry.tenantId, entry.id);
        if (!row) return;
        entry.latest = row;
        for (const waiter of entry.waiters) if (waiter.knownStatus !== row.status) waiter.done(row);
      } while (entry.again && entry.waiters.size > 0);
    } catch (error) {
      // The waiters keep waiting: their timers answer with the last row read, and the next signal reads again.
      this.ctx.logger.warn({ err: error, payment_request: entry.id }, 'long-poll read failed');
    } finally {
      entry.reading = false;
    }
  }
}

const keyOf = (tenantId: string, id: string) => `${tenantId}/${id}`;

const registries = new WeakMap<AppContext, PaymentRequestWaiters>();

/** The one registry of this context (created on first use, so processes that never long-poll add no listener). */
export function waitersOf(ctx: AppContext): PaymentRequestWaiters {
  let registry = registries.get(ctx);
  if (!registry) {
    registry = new PaymentRequestWaiters(ctx);
    registries.set(ctx, registry);
  }
  return registry;
}
