import { newId } from '../core/ids';
import type { StripeObject } from '../core/json';
import { holdCovers, NO_CHAOS, type ChaosSettings, type RandomSource } from './chaos';
import { postJson } from './http-post';
import { signatureHeader } from './signature';

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** An extra copy sent by the duplicate chaos switch. */
  duplicate: boolean;
  signature: string;
}

export interface DeliveryRecord {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  account: string;
  livemode: boolean;
  status: 'pending' | 'succeeded' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
}

/** What the dispatcher needs to know about an endpoint at send time (it may change meanwhile). */
export interface EndpointTarget {
  url: string;
  enabled: boolean;
  secrets: string[];
  apiVersion: string | null;
}

export interface DispatcherOptions {
  retryBaseMs: number;
  /** The sandbox clock (ms): retries fall due on it, so advancing it fires them at once. */
  now(): number;
  deliveryTimeoutMs: number;
  maxAttempts: number;
  random: RandomSource;
  resolveEndpoint(endpointId: string): EndpointTarget | undefined;
  /** Called once per delivery when it ends (delivered, given up or dropped). */
  onSettled(eventId: string, succeeded: boolean): void;
}

interface Job {
  record: DeliveryRecord;
  event: StripeObject;
}

interface WaitingRetry {
  job: Job;
  dueAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Sends events to endpoints like Stripe: a POST per endpoint, retried with exponential backoff
 * (`retryBaseMs` · 2^(n-1)) on non-2xx, network error or timeout, until `maxAttempts`. Each
 * endpoint gets one request at a time, in emission order unless chaos shuffles it. A retry falls
 * due on the sandbox clock: real time reaches it, or advancing the clock past it sends it at once
 * (so a test can run through an hours-long schedule without waiting).
 */
export class Dispatcher {
  readonly records: DeliveryRecord[] = [];
  private settings: ChaosSettings = { ...NO_CHAOS };
  /** Deliveries of held event types; not outstanding (waiting for idle does not wait for them). */
  private held: Job[] = [];
  private readonly queues = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private readonly waiting = new Set<WaitingRetry>();
  private readonly abort = new AbortController();
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: DispatcherOptions) {}

  enqueue(event: StripeObject, endpoints: Array<{ id: string; url: string; account: string; livemode: boolean }>): void {
    for (const endpoint of endpoints) {
      const record: DeliveryRecord = {
        id: newId('dlv', 16),
        event_id: event.id,
        event_type: String(event.type),
        endpoint_id: endpoint.id,
        url: endpoint.url,
        account: endpoint.account,
        livemode: endpoint.livemode,
        status: 'pending',
        attempts: [],
        next_attempt_at: new Date().toISOString(),
      };
      this.records.push(record);
      this.outstanding += 1;
      this.push({ record, event });
    }
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry; false on timeout. */
  waitForIdle(timeoutMs = 10_000): Promise<boolean> {
    if (this.outstanding === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    for (const retry of this.waiting) clearTimeout(retry.timer);
    this.waiting.clear();
    this.queues.clear();
    this.held = [];
    this.outstanding = 0;
    this.notifyIdle();
  }

  get chaos(): ChaosSettings {
    return { ...this.settings, hold: [...this.settings.hold] };
  }

  /** Changes the chaos switches; deliveries no longer held are queued again, in the order they were held. */
  updateChaos(changes: Partial<ChaosSettings>): ChaosSettings {
    this.settings = { ...this.settings, ...changes };
    const released = this.held.filter((job) => !this.isHeld(job));
    this.held = this.held.filter((job) => this.isHeld(job));
    for (const job of released) {
      this.outstanding += 1;
      this.push(job);
    }
    return this.chaos;
  }

  /** Sends every retry the sandbox clock has reached (called after the clock advances). */
  wake(): void {
    const now = this.options.now();
    for (const retry of [...this.waiting]) if (retry.dueAt <= now) this.release(retry);
  }

  reset(): void {
    for (const retry of this.waiting) clearTimeout(retry.timer);
    this.waiting.clear();
    this.queues.clear();
    this.records.length = 0;
    this.held = [];
    this.outstanding = this.busy.size;
    this.settings = { ...NO_CHAOS };
    this.notifyIdle();
  }

  private isHeld(job: Job): boolean {
    return this.settings.hold.some((pattern) => holdCovers(pattern, job.record.event_type));
  }

  private push(job: Job): void {
    if (this.isHeld(job)) {
      this.held.push(job);
      this.outstanding = Math.max(0, this.outstanding - 1);
      if (this.outstanding === 0) this.notifyIdle();
      return;
    }
    const queue = this.queues.get(job.record.endpoint_id) ?? [];
    queue.push(job);
    this.queues.set(job.record.endpoint_id, queue);
    // Deferred so that every event of one API call is queued before the first send, which is
    // what gives `shuffle` something to reorder.
    setImmediate(() => this.pump(job.record.endpoint_id));
  }

  private pump(endpointId: string): void {
    if (this.closed || this.busy.has(endpointId)) return;
    const queue = this.queues.get(endpointId);
    if (!queue || queue.length === 0) return;
    const index = this.settings.shuffle ? Math.floor(this.options.random() * queue.length) : 0;
    const [job] = queue.splice(index, 1);
    if (!job) return;
    this.busy.add(endpointId);
    void this.attempt(job).finally(() => {
      this.busy.delete(endpointId);
      this.pump(endpointId);
    });
  }

  private async attempt(job: Job): Promise<void> {
    const { record } = job;
    if (this.settings.delay_ms > 0) await sleep(this.settings.delay_ms);
    if (this.closed) return;
    const target = this.options.resolveEndpoint(record.endpoint_id);
    if (!target || !target.enabled) {
      // Deleted or disabled endpoints stop receiving, retries included.
      this.settle(record, 'failed');
      return;
    }
    if (this.options.random() < this.settings.drop_rate) {
      this.settle(record, 'dropped');
      return;
    }
    const payload = { ...job.event, api_version: target.apiVersion ?? job.event.api_version };
    const body = JSON.stringify(payload, null, 2);
    const ok = await this.send(record, target, body, false);
    if (this.closed) return;
    if (this.options.random() < this.settings.duplicate_rate) await this.send(record, target, body, true);
    if (ok) {
      this.settle(record, 'succeeded');
      return;
    }
    const sent = record.attempts.filter((a) => !a.duplicate).length;
    if (sent >= this.options.maxAttempts) {
      this.settle(record, 'failed');
      return;
    }
    const wait = this.options.retryBaseMs * 2 ** (sent - 1);
    const dueAt = this.options.now() + wait;
    record.next_attempt_at = new Date(dueAt).toISOString();
    // The sandbox clock runs with wall time between advances, so a real timer of `wait` ms ends
    // when the clock reaches `dueAt`; `wake()` ends it early when the clock jumps.
    const retry: WaitingRetry = { job, dueAt, timer: setTimeout(() => this.release(retry), wait) };
    this.waiting.add(retry);
  }

  private release(retry: WaitingRetry): void {
    if (!this.waiting.delete(retry)) return;
    clearTimeout(retry.timer);
    this.push(retry.job);
  }

  private async send(record: DeliveryRecord, target: EndpointTarget, body: string, duplicate: boolean): Promise<boolean> {
    // A fresh timestamp per attempt, on wall time: receivers check it against their own clock.
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signatureHeader(body, target.secrets, timestamp);
    const started = Date.now();
    const result = await postJson(
      target.url,
      body,
      {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Cache-Control': 'no-cache',
        Accept: '*/*; q=0.5, application/xml',
        'Stripe-Signature': signature,
      },
      this.options.deliveryTimeoutMs,
      this.abort.signal,
    );
    record.attempts.push({
      attempt: record.attempts.filter((a) => !a.duplicate).length + (duplicate ? 0 : 1),
      at: new Date(started).toISOString(),
      status_code: result.status,
      error: result.error,
      duration_ms: Date.now() - started,
      duplicate,
      signature,
    });
    return result.status !== null && result.status >= 200 && result.status < 300;
  }

  private settle(record: DeliveryRecord, status: 'succeeded' | 'failed' | 'dropped'): void {
    record.status = status;
    record.next_attempt_at = null;
    this.options.onSettled(record.event_id, status === 'succeeded');
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding === 0) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
