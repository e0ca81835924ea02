import Stripe from 'stripe';
import { Dispatcher, type EndpointTarget } from '../delivery/dispatcher';
import type { RandomSource } from '../delivery/chaos';
import { AccountRegistry } from './accounts';
import { SandboxClock } from './clock';
import { EndpointSecrets } from './endpoint-secrets';
import { IdempotencyCache } from './idempotency';
import { newId } from './ids';
import { clone, type Json, type StripeObject } from './json';
import { systemContext, type Resource } from './resource';
import { ObjectStore, type Scope } from './store';

/** The API version accounts default to: the one the bundled SDK pins. */
export const DEFAULT_API_VERSION: string = Stripe.API_VERSION;

/** Stripe keeps events listable for 30 days. */
export const EVENT_WINDOW_SECONDS = 30 * 24 * 60 * 60;

export interface SandboxOptions {
  /** Base of exponential retry backoff for webhook deliveries (Stripe: about an hour). */
  retryBaseMs?: number;
  /** A delivery attempt that takes longer counts as failed. */
  deliveryTimeoutMs?: number;
  /** Attempts per delivery before giving up (the first send included). */
  maxDeliveryAttempts?: number;
  /** Randomness for chaos switches; tests pass a seeded source. */
  random?: RandomSource;
  /** Where hosted pages live; `startSandbox` sets it once the port is known. */
  baseUrl?: string;
  /**
   * Added before every `/v1` answer, to stand in for the round trip to Stripe's API (a few hundred
   * milliseconds from most servers) in benchmarks of work that calls it per connection. Default 0.
   */
  apiLatencyMs?: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  /** When set, only this many more requests are refused, then the limit lifts. */
  remaining: number | null;
  account: string | null;
}

interface EventDeliveryState {
  pending: number;
  failed: boolean;
}

export interface EmitOptions {
  previousAttributes?: Json;
  request?: { id: string | null; idempotency_key: string | null };
}

/** The whole stateful sandbox: clock, accounts, objects, events, delivery. HTTP sits on top. */
export class Sandbox {
  readonly clock = new SandboxClock();
  readonly store = new ObjectStore();
  readonly accounts = new AccountRegistry();
  readonly secrets = new EndpointSecrets();
  readonly idempotency = new IdempotencyCache();
  readonly dispatcher: Dispatcher;
  rateLimit: RateLimitSettings = { enabled: false, remaining: null, account: null };
  baseUrl: string;
  private readonly eventDelivery = new Map<string, EventDeliveryState>();

  constructor(
    readonly resources: readonly Resource[],
    options: SandboxOptions = {},
  ) {
    this.baseUrl = options.baseUrl ?? 'http://127.0.0.1:12111';
    this.dispatcher = new Dispatcher({
      retryBaseMs: options.retryBaseMs ?? 1000,
      now: () => this.clock.nowMs(),
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 10_000,
      maxAttempts: options.maxDeliveryAttempts ?? 8,
      random: options.random ?? Math.random,
      resolveEndpoint: (id) => this.endpointTarget(id),
      onSettled: (eventId, succeeded) => this.settleDelivery(eventId, succeeded),
    });
  }

  /**
   * Records an event of `type` about `object` (snapshotted now) and delivers it to every enabled
   * endpoint of the same account and mode that subscribes to the type or to `*`.
   */
  emit(scope: Scope, type: string, object: StripeObject, options: EmitOptions = {}): StripeObject {
    const endpoints = this.store
      .list(
        scope,
        'webhook_endpoint',
        (e) =>
          e.status === 'enabled' && Array.isArray(e.enabled_events) && (e.enabled_events.includes('*') || e.enabled_events.includes(type)),
      )
      .reverse();
    const data: Json = { object: clone(object) };
    if (options.previousAttributes && Object.keys(options.previousAttributes).length > 0)
      data.previous_attributes = clone(options.previousAttributes);
    const event: StripeObject = {
      id: newId('evt'),
      object: 'event',
      api_version: DEFAULT_API_VERSION,
      created: this.clock.now(),
      data,
      livemode: scope.livemode,
      pending_webhooks: endpoints.length,
      request: options.request ?? { id: null, idempotency_key: null },
      type,
    };
    this.store.insert(scope, event);
    this.eventDelivery.set(event.id, { pending: endpoints.length, failed: false });
    this.dispatcher.enqueue(
      clone(event),
      endpoints.map((e) => ({ id: e.id, url: String(e.url), account: scope.account, livemode: scope.livemode })),
    );
    const ctx = systemContext(this, scope);
    for (const resource of this.resources) resource.onEvent?.(ctx, event);
    return event;
  }

  /** True when every delivery of the event succeeded (none pending, none given up). */
  eventDelivered(eventId: string): boolean {
    const state = this.eventDelivery.get(eventId);
    return !state || (state.pending === 0 && !state.failed);
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds);
    for (const resource of this.resources) resource.onClockAdvance?.(this);
    this.dispatcher.wake();
  }

  /** Forgets everything (accounts, objects, deliveries), keeping the server up. */
  reset(): void {
    this.store.clear();
    this.accounts.clear();
    this.secrets.clear();
    this.idempotency.clear();
    this.eventDelivery.clear();
    this.dispatcher.reset();
    this.rateLimit = { enabled: false, remaining: null, account: null };
  }

  close(): void {
    this.dispatcher.close();
  }

  private endpointTarget(id: string): EndpointTarget | undefined {
    const found = this.store.locate('webhook_endpoint', id);
    if (!found) return undefined;
    const endpoint = found.data;
    return {
      url: String(endpoint.url),
      enabled: endpoint.status === 'enabled',
      secrets: this.secrets.active(id, this.clock.now()).map((s) => s.secret),
      apiVersion: typeof endpoint.api_version === 'string' ? endpoint.api_version : null,
    };
  }

  private settleDelivery(eventId: string, succeeded: boolean): void {
    const state = this.eventDelivery.get(eventId);
    if (!state) return;
    state.pending = Math.max(0, state.pending - 1);
    if (!succeeded) state.failed = true;
    const found = this.store.locate('event', eventId);
    if (found) found.data.pending_webhooks = state.pending;
  }
}
