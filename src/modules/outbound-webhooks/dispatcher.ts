import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { AppContext } from '../../context';
import { BUS_EVENT } from '../../domain/signals';
import {
  claimDeliveries,
  fanOutDomainEvents,
  recordAttempts,
  type AttemptOutcome,
  type ClaimedDelivery,
} from '../../store/outbound-webhooks';
import { disableFailingEndpoint } from './endpoints-service';
import { deliveryBody } from './payload';
import { nextRetryDelayMs } from './retry-schedule';
import { SEND_TIMEOUT_MS } from './safe-post';
import { sendSigned } from './send-signed';
import { SigningKeys } from './signing-keys';

export interface DispatcherOptions {
  /** Requests this process has in flight at most, across all endpoints. */
  maxInFlight?: number;
  /** Requests in flight to one endpoint at most (per claim; an endpoint past it waits for the next round). */
  perEndpoint?: number;
  leaseMs?: number;
  idlePollMs?: number;
  timeoutMs?: number;
  /** On stop, requests still running after this are aborted and retried (by any worker). */
  stopGraceMs?: number;
  /** Consecutive failed attempts that open an endpoint's circuit; then one probe at a time. */
  breakerThreshold?: number;
  breakerBaseOpenSeconds?: number;
  breakerMaxOpenSeconds?: number;
  /** An endpoint failing without a single success for this long is disabled. */
  disableAfterMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Delivers outbound webhooks in a worker process. Each round fans new domain events out into
 * deliveries (a cursor per endpoint) and claims due deliveries up to the free in-flight slots;
 * each is sent on its own, and finished attempts are recorded in small batches. Any number of
 * processes run it on one database: claims take leases with SKIP LOCKED, so no attempt is sent
 * twice, and a killed process's deliveries are sent again, with the same webhook-id, when their
 * lease ends. Domain events wake it at once (the `payable` and `connection` signals, relayed from
 * other processes); otherwise it polls.
 */
export class OutboundDispatcher {
  readonly id = `outbound_${randomBytes(6).toString('hex')}`;
  private readonly options: Required<DispatcherOptions>;
  private readonly keys: SigningKeys;
  private readonly inFlight = new Map<string, { endpointId: string; done: Promise<void> }>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly aborter = new AbortController();
  private outcomes: AttemptOutcome[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeSleeper: (() => void) | undefined;
  /** Set by a wake that came while a round was running, so the loop does not then sleep through it. */
  private wakeRequested = false;
  private fanOutDue = true;
  private readonly onSignal = () => {
    this.fanOutDue = true;
    this.wake();
  };

  constructor(
    private readonly ctx: AppContext,
    options: DispatcherOptions = {},
  ) {
    this.options = {
      maxInFlight: options.maxInFlight ?? 128,
      perEndpoint: options.perEndpoint ?? 16,
      leaseMs: options.leaseMs ?? 60_000,
      idlePollMs: options.idlePollMs ?? 1_000,
      timeoutMs: options.timeoutMs ?? SEND_TIMEOUT_MS,
      stopGraceMs: options.stopGraceMs ?? 5_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerBaseOpenSeconds: options.breakerBaseOpenSeconds ?? 30,
      breakerMaxOpenSeconds: options.breakerMaxOpenSeconds ?? 600,
      disableAfterMs: options.disableAfterMs ?? 5 * DAY_MS,
    };
    this.keys = new SigningKeys(ctx);
    // Every request in flight listens for the stop signal; their number is bounded by maxInFlight.
    setMaxListeners(this.options.maxInFlight + 10, this.aborter.signal);
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.ctx.bus.on(BUS_EVENT.payable, this.onSignal);
    this.ctx.bus.on(BUS_EVENT.connection, this.onSignal);
    this.loop = this.run();
    return this;
  }

  /** Stops claiming, lets requests in flight finish within the grace period (then aborts them), records every outcome. */
  async stop(): Promise<void> {
    this.ctx.bus.off(BUS_EVENT.payable, this.onSignal);
    this.ctx.bus.off(BUS_EVENT.connection, this.onSignal);
    this.running = false;
    this.wake();
    await this.loop;
    const grace = setTimeout(() => this.aborter.abort(), this.options.stopGraceMs);
    await Promise.all([...this.inFlight.values()].map((entry) => entry.done));
    clearTimeout(grace);
    await this.flush();
  }

  /** One round, waiting for every request it sends: fan out, claim, send, record. Tests drive this. */
  async runOnce(): Promise<number> {
    await this.fanOutAll();
    const claimed = await this.claim(this.options.maxInFlight);
    for (const delivery of claimed) this.launch(delivery);
    await Promise.all([...this.inFlight.values()].map((entry) => entry.done));
    await this.flush();
    return claimed.length;
  }

  /** Rounds until one sends nothing (bounded), for tests and the CLI. */
  async drain(maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round++) {
      const sent = await this.runOnce();
      total += sent;
      if (sent === 0) break;
    }
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      let busy = false;
      try {
        if (this.fanOutDue) busy = (await this.fanOutAll()) > 0;
        const free = this.options.maxInFlight - this.inFlight.size;
        // A claim costs a round trip whatever its size: wait for a quarter of the slots to free up,
        // unless nothing is in flight at all.
        if (free > 0 && (this.inFlight.size === 0 || free >= Math.max(1, this.options.maxInFlight / 4))) {
          const claimed = await this.claim(free);
          for (const delivery of claimed) this.launch(delivery);
          busy ||= claimed.length === free;
        }
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'outbound webhook dispatcher round failed; retrying');
      }
      if (!busy && this.running) await this.sleep(this.options.idlePollMs);
    }
  }

  /** Fans out until no endpoint is behind; returns the deliveries created. */
  private async fanOutAll(): Promise<number> {
    this.fanOutDue = false;
    let created = 0;
    for (let round = 0; round < 20; round++) {
      const result = await fanOutDomainEvents(this.ctx.store.db, { endpointLimit: 50, eventLimit: 1000, now: this.ctx.now() });
      created += result.deliveries;
      if (result.endpoints === 0) return created;
    }
    this.fanOutDue = true;
    return created;
  }

  private claim(limit: number): Promise<ClaimedDelivery[]> {
    const saturated = [...this.perEndpoint].filter(([, count]) => count >= this.options.perEndpoint).map(([id]) => id);
    return claimDeliveries(this.ctx.store.db, {
      workerId: this.id,
      now: this.ctx.now(),
      leaseMs: this.options.leaseMs,
      limit,
      perEndpoint: this.options.perEndpoint,
      skipEndpoints: saturated,
      breakerThreshold: this.options.breakerThreshold,
    });
  }

  private launch(delivery: ClaimedDelivery): void {
    this.perEndpoint.set(delivery.endpoint_id, (this.perEndpoint.get(delivery.endpoint_id) ?? 0) + 1);
    const done = this.attempt(delivery)
      .catch((error: unknown) =>
        this.ctx.logger.error({ err: error, deliveryId: delivery.id }, 'outbound webhook attempt failed unexpectedly'),
      )
      .finally(() => {
        this.inFlight.delete(delivery.id);
        // Slots freed: claim more (other objects) without waiting for the batch to be recorded.
        this.wake();
        const left = (this.perEndpoint.get(delivery.endpoint_id) ?? 1) - 1;
        if (left > 0) this.perEndpoint.set(delivery.endpoint_id, left);
        else this.perEndpoint.delete(delivery.endpoint_id);
      });
    this.inFlight.set(delivery.id, { endpointId: delivery.endpoint_id, done });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.ctx.now();
    const keys = await this.keys.keysFor(delivery.endpoint_id, delivery.secrets_version);
    const result = await sendSigned(
      delivery.url,
      { webhookId: delivery.webhook_id, body: deliveryBody(delivery), keys },
      { allowPrivate: this.ctx.config.outboundAllowPrivate, timeoutMs: this.options.timeoutMs, signal: this.aborter.signal },
    );
    const finishedAt = this.ctx.now();
    const code = result.statusCode;
    const succeeded = code !== null && code >= 200 && code < 300;
    const gone = code === 410;
    // 3xx is a failure like any non-2xx: redirects are not followed (the target could be anywhere).
    const delay = succeeded || gone ? undefined : nextRetryDelayMs(delivery.attempts, result.retryAfterSeconds);
    this.outcomes.push({
      deliveryId: delivery.id,
      endpointId: delivery.endpoint_id,
      attempt: delivery.attempts,
      startedAt,
      statusCode: code,
      responseMs: result.ms,
      responseBody: result.body,
      error: result.error ?? (code !== null && code >= 300 && code < 400 ? 'redirect not followed' : null),
      succeeded,
      status: succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'pending',
      nextAttemptAt: delay === undefined ? null : new Date(finishedAt.getTime() + delay),
      finishedAt,
    });
    if (gone) await this.flush().then(() => this.disable(delivery, 'The receiver answered 410 Gone.'));
    else this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.outcomes.length >= 100) {
      void this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, 5);
  }

  /** Records the finished attempts in one batch; one flush at a time, in order. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = this.flushing.then(async () => {
      const batch = this.outcomes;
      this.outcomes = [];
      if (batch.length === 0) return;
      const now = this.ctx.now();
      try {
        const changed = await recordAttempts(this.ctx.store.db, this.id, batch, {
          threshold: this.options.breakerThreshold,
          baseOpenSeconds: this.options.breakerBaseOpenSeconds,
          maxOpenSeconds: this.options.breakerMaxOpenSeconds,
          now,
        });
        for (const endpoint of changed) {
          const since = endpoint.failing_since && new Date(endpoint.failing_since).getTime();
          if (endpoint.status === 'enabled' && since && now.getTime() - since >= this.options.disableAfterMs)
            await disableFailingEndpoint(this.ctx, endpoint.id, endpoint.tenant_id, 'Every delivery failed for 5 days.');
        }
      } catch (error) {
        // The leases run out and the deliveries are sent again: at least once, never lost.
        this.ctx.logger.error({ err: error, attempts: batch.length }, 'could not record outbound webhook attempts');
      }
      // The next delivery of an object is due only once this one is recorded.
      this.wake();
    });
    return this.flushing;
  }

  private async disable(delivery: ClaimedDelivery, reason: string): Promise<void> {
    try {
      await disableFailingEndpoint(this.ctx, delivery.endpoint_id, delivery.tenant_id, reason);
    } catch (error) {
      this.ctx.logger.error({ err: error, endpointId: delivery.endpoint_id }, 'could not disable a gone webhook endpoint');
    }
  }

  private wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.fanOutDue = true;
        done();
      }, ms);
      timer.unref();
      this.wakeSleeper = done;
    });
  }
}

/** Starts the dispatcher of a worker process; `stop()` waits for its requests in flight. */
export function startOutboundDispatcher(ctx: AppContext, options: DispatcherOptions = {}): OutboundDispatcher {
  return new OutboundDispatcher(ctx, options).start();
}
