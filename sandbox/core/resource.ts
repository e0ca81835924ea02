import type { Json, StripeObject } from './json';
import type { Permission } from './permissions';
import type { Sandbox } from './sandbox';
import type { Scope } from './store';

/** Everything a route handler sees of one authenticated API request. */
export interface ApiContext {
  sandbox: Sandbox;
  scope: Scope;
  /** Path parameters (`:id`). */
  path: Record<string, string>;
  /** Form body (POST) or query (GET/DELETE), parsed with bracket notation. */
  params: Json;
  /** Becomes the `request` member of events this call emits. */
  request: { id: string | null; idempotency_key: string | null };
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Express-style pattern, e.g. `/v1/customers/:id`. */
  path: string;
  permission: Permission;
  /** Top-level parameters accepted (`expand` always is); anything else is `parameter_unknown`. */
  params: readonly string[];
  /** Milliseconds to hold the request before `handle` runs (work Stripe does not do instantly). */
  delayMs?(ctx: ApiContext): number;
  handle(ctx: ApiContext): Json;
}

/** Builds a field that is not stored on the object but can be asked for with `expand[]`. */
export type VirtualExpander = (object: StripeObject, ctx: ApiContext) => Json;

/**
 * One Stripe resource: its routes, its `expand`-only fields and its reactions to the sandbox
 * clock. Adding a resource is one file plus one line in `resources/index.ts`.
 */
export interface Resource {
  name: string;
  routes: Route[];
  /** Keyed by `object` name, then by field. */
  virtualFields?: Record<string, Record<string, VirtualExpander>>;
  /** Runs after every clock advance (expire sessions, renew subscriptions, …). */
  onClockAdvance?(sandbox: Sandbox): void;
  /** Runs after every event is recorded, so one resource can react to another's change
   * (Checkout completes when its PaymentIntent succeeds) without either importing the other's state. */
  onEvent?(ctx: ApiContext, event: StripeObject): void;
}

/** A context for work the sandbox does on its own (clock, control API), not for an API call. */
export function systemContext(sandbox: Sandbox, scope: Scope): ApiContext {
  return { sandbox, scope, path: {}, params: {}, request: { id: null, idempotency_key: null } };
}

export function read(resource: string): Permission {
  return { resource, access: 'read' };
}

export function write(resource: string): Permission {
  return { resource, access: 'write' };
}
