import type Stripe from 'stripe';
import { AppError } from '../errors';
import type { WebhookEndpointState } from '../store/schema';
import { STRIPE_API_VERSION } from './client';
import { describeStripeError } from './stripe-errors';

/** Stripe allows this many webhook endpoints per account and mode. */
export const MAX_WEBHOOK_ENDPOINTS = 16;

/** Metadata that marks an endpoint as Paybridge's and names the connection it serves. */
export const METADATA = { marker: 'paybridge', connection: 'paybridge_connection_id', tenant: 'paybridge_tenant_id' } as const;

export interface DesiredEndpoint {
  url: string;
  events: string[];
  connectionId: string;
  tenantId: string;
  description: string;
}

export function endpointState(endpoint: Stripe.WebhookEndpoint): WebhookEndpointState {
  return {
    id: endpoint.id,
    status: endpoint.status,
    url: endpoint.url,
    enabled_events: [...endpoint.enabled_events].sort(),
    api_version: endpoint.api_version,
  };
}

export function connectionOf(endpoint: Stripe.WebhookEndpoint): string | null {
  return endpoint.metadata?.[METADATA.marker] === 'true' ? (endpoint.metadata[METADATA.connection] ?? null) : null;
}

export async function listEndpoints(stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> {
  return stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
}

function metadata(desired: DesiredEndpoint): Record<string, string> {
  return { [METADATA.marker]: 'true', [METADATA.connection]: desired.connectionId, [METADATA.tenant]: desired.tenantId };
}

/** Creates the endpoint; the caller must store `secret` at once: Stripe shows it only in this response. */
export async function createEndpoint(
  stripe: Stripe,
  desired: DesiredEndpoint,
): Promise<{ endpoint: Stripe.WebhookEndpoint; secret: string }> {
  const endpoint = await stripe.webhookEndpoints.create({
    url: desired.url,
    enabled_events: desired.events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
    api_version: STRIPE_API_VERSION as Stripe.WebhookEndpointCreateParams.ApiVersion,
    description: desired.description,
    metadata: metadata(desired),
  });
  if (!endpoint.secret)
    throw new AppError({
      code: 'stripe_request_failed',
      status: 502,
      message: `Stripe created webhook endpoint ${endpoint.id} without returning its signing secret; delete it in Stripe and run repair.`,
    });
  return { endpoint, secret: endpoint.secret };
}

export async function updateEndpoint(stripe: Stripe, id: string, desired: DesiredEndpoint): Promise<Stripe.WebhookEndpoint> {
  return stripe.webhookEndpoints.update(id, {
    url: desired.url,
    enabled_events: desired.events as Stripe.WebhookEndpointUpdateParams.EnabledEvent[],
    disabled: false,
    description: desired.description,
    metadata: metadata(desired),
  });
}

/** Deletes an endpoint; one already gone counts as deleted. */
export async function deleteEndpoint(stripe: Stripe, id: string): Promise<void> {
  try {
    await stripe.webhookEndpoints.del(id);
  } catch (error) {
    if (describeStripeError(error).kind !== 'not_found') throw error;
  }
}

/** The endpoint as Stripe has it now, or null when it no longer exists. */
export async function retrieveEndpoint(stripe: Stripe, id: string): Promise<Stripe.WebhookEndpoint | null> {
  try {
    return await stripe.webhookEndpoints.retrieve(id);
  } catch (error) {
    if (describeStripeError(error).kind === 'not_found') return null;
    throw error;
  }
}

/** How an endpoint differs from what the connection needs, in words; empty when it matches. */
export function endpointDrift(actual: Stripe.WebhookEndpoint, desired: Pick<DesiredEndpoint, 'url' | 'events'>): string[] {
  const problems: string[] = [];
  if (actual.status !== 'enabled') problems.push(`it is ${actual.status} in Stripe`);
  if (actual.url !== desired.url) problems.push(`its URL is ${actual.url} instead of ${desired.url}`);
  const have = new Set(actual.enabled_events);
  const want = new Set(desired.events);
  const missing = desired.events.filter((e) => !have.has(e));
  const extra = actual.enabled_events.filter((e) => !want.has(e));
  if (missing.length > 0) problems.push(`it lacks the events ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`it has extra events ${extra.join(', ')}`);
  return problems;
}

export function endpointLimitError(count: number): AppError {
  return new AppError({
    code: 'webhook_endpoint_limit_reached',
    status: 422,
    field: 'webhook_setup',
    message: `This Stripe account already has ${count} webhook endpoints in this mode, Stripe's maximum of ${MAX_WEBHOOK_ENDPOINTS}. Delete an unused one in Stripe Dashboard → Developers → Webhooks and try again, or connect with webhook_setup "manual" and add this connection's URL to an endpoint you keep.`,
  });
}
