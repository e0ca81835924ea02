import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalBoolean, optionalString, optionalStringArray, requiredString, unsettableString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { deletionStub } from '../core/updates';

/** Stripe's cap on webhook endpoints per account (and mode). */
export const MAX_ENDPOINTS = 16;

export function findEndpoint(ctx: ApiContext, id: string): StripeObject {
  const endpoint = ctx.sandbox.store.get(ctx.scope, 'webhook_endpoint', id);
  if (!endpoint) throw noSuch('webhook_endpoint', id);
  return endpoint;
}

function validateUrl(ctx: ApiContext, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest(`Invalid URL: ${url}. URLs must begin with "http://" or "https://"`, 'url_invalid', 'url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalidRequest(`Invalid URL: ${url}. URLs must begin with "http://" or "https://"`, 'url_invalid', 'url');
  if (ctx.scope.livemode && parsed.protocol !== 'https:')
    throw invalidRequest(`Invalid URL: ${url}. URLs in livemode must begin with "https://"`, 'url_invalid', 'url');
}

function enabledEvents(ctx: ApiContext, required: boolean): string[] | undefined {
  const events = optionalStringArray(ctx.params, 'enabled_events');
  if (!events) {
    if (required) throw missingParam('enabled_events');
    return undefined;
  }
  if (events.length === 0) throw missingParam('enabled_events');
  events.forEach((event, i) => {
    if (event !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(event))
      throw invalidRequest(`Invalid enabled_events[${i}]: ${event} is not a valid event type.`, undefined, `enabled_events[${i}]`);
  });
  return events;
}

export const webhookEndpoints: Resource = {
  name: 'webhook_endpoints',
  routes: [
    {
      method: 'POST',
      path: '/v1/webhook_endpoints',
      permission: write('webhook'),
      params: ['url', 'enabled_events', 'api_version', 'description', 'metadata', 'connect'],
      handle(ctx) {
        const url = requiredString(ctx.params, 'url');
        validateUrl(ctx, url);
        const events = enabledEvents(ctx, true)!;
        if (ctx.sandbox.store.list(ctx.scope, 'webhook_endpoint').length >= MAX_ENDPOINTS) {
          throw invalidRequest(
            `You have reached the maximum of ${MAX_ENDPOINTS} ${ctx.scope.livemode ? 'live' : 'test'} webhook endpoints on this account. Delete an unused endpoint before creating a new one.`,
            undefined,
            'url',
          );
        }
        const endpoint: StripeObject = {
          id: newId('we', 24),
          object: 'webhook_endpoint',
          api_version: optionalString(ctx.params, 'api_version') ?? null,
          application: null,
          created: ctx.sandbox.clock.now(),
          description: optionalString(ctx.params, 'description') ?? null,
          enabled_events: events,
          livemode: ctx.scope.livemode,
          metadata: applyMetadata({}, ctx.params),
          status: 'enabled',
          url,
        };
        ctx.sandbox.store.insert(ctx.scope, endpoint);
        // The secret is in this response only; every later read omits it, as Stripe's do.
        return { ...endpoint, secret: ctx.sandbox.secrets.create(endpoint.id) };
      },
    },
    {
      method: 'GET',
      path: '/v1/webhook_endpoints/:id',
      permission: read('webhook'),
      params: [],
      handle: (ctx) => findEndpoint(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/webhook_endpoints/:id',
      permission: write('webhook'),
      params: ['url', 'enabled_events', 'description', 'metadata', 'disabled'],
      handle(ctx) {
        const endpoint = findEndpoint(ctx, ctx.path.id!);
        const url = optionalString(ctx.params, 'url');
        if (url !== undefined) {
          validateUrl(ctx, url);
          endpoint.url = url;
        }
        const events = enabledEvents(ctx, false);
        if (events) endpoint.enabled_events = events;
        const description = unsettableString(ctx.params, 'description');
        if (description !== undefined) endpoint.description = description;
        const disabled = optionalBoolean(ctx.params, 'disabled');
        if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
        endpoint.metadata = applyMetadata(endpoint.metadata as Record<string, string>, ctx.params);
        return endpoint;
      },
    },
    {
      method: 'DELETE',
      path: '/v1/webhook_endpoints/:id',
      permission: write('webhook'),
      params: [],
      handle(ctx) {
        const endpoint = findEndpoint(ctx, ctx.path.id!);
        ctx.sandbox.store.delete(endpoint.id);
        ctx.sandbox.secrets.remove(endpoint.id);
        return deletionStub(endpoint);
      },
    },
    {
      method: 'GET',
      path: '/v1/webhook_endpoints',
      permission: read('webhook'),
      params: ['limit', 'starting_after', 'ending_before'],
      handle: (ctx) =>
        paginate(ctx.sandbox.store.list(ctx.scope, 'webhook_endpoint'), ctx.params, '/v1/webhook_endpoints', 'webhook_endpoint'),
    },
  ],
};
