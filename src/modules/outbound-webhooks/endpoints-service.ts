import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { AppContext } from '../../context';
import { bindingFor } from '../../crypto/sealed-columns';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError, invalidField, notFound } from '../../errors';
import { newId } from '../../ids';
import {
  deleteEndpoint,
  disableEndpoint,
  enableEndpoint,
  findTenantEndpoint,
  insertEndpoint,
  insertStandaloneDelivery,
  listTenantEndpoints,
  rotateEndpointSecret,
  updateEndpointFields,
} from '../../store/outbound-webhooks';
import type { WebhookEndpointRow } from '../../store/outbound-webhooks-schema';
import { findTenant } from '../../store/tenants';
import { isForbiddenAddress } from './address-guard';
import type { CreateEndpointInput, EndpointView, UpdateEndpointInput } from './endpoint-input';
import { pingBody } from './payload';
import { urlProblem } from './safe-post';
import { generateEndpointSecret } from './signature';
import { viewDelivery } from './deliveries-service';

/** The domain event recorded when Paybridge disables an endpoint (failing for days, or 410 Gone). */
export const ENDPOINT_DISABLED_EVENT = 'webhook_endpoint.disabled';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function endpointView(row: WebhookEndpointRow): EndpointView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    url: row.url,
    description: row.description,
    event_types: row.event_types ?? ['*'],
    status: row.status,
    disabled_reason: row.disabled_reason,
    disabled_at: iso(row.disabled_at),
    failing_since: iso(row.failing_since),
    circuit_open_until: iso(row.circuit_open_until),
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export async function requireEndpoint(ctx: AppContext, tenantId: string, endpointId: string): Promise<WebhookEndpointRow> {
  const row = await findTenantEndpoint(ctx.store.db, tenantId, endpointId);
  if (!row) throw notFound('webhook endpoint', endpointId);
  return row;
}

/** A page of a tenant's endpoints, newest first (`limit + 1` rows fetched by callers that page). */
export async function listEndpoints(
  ctx: AppContext,
  tenantId: string,
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<WebhookEndpointRow[]> {
  return listTenantEndpoints(ctx.store.db, tenantId, page);
}

/** `["*"]` or no list means every type; stored as null. */
function storedEventTypes(types: string[] | null | undefined): string[] | null {
  if (!types || types.includes('*')) return null;
  return [...new Set(types)].sort();
}

/**
 * Refuses a URL the sender would refuse anyway, so the tenant hears it now rather than from a
 * failing delivery log: https only, and no host that is (or resolves to) a private address unless
 * PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE. The sender checks again at each connection (DNS may change).
 */
export async function checkEndpointUrl(
  ctx: AppContext,
  text: string,
  resolve: (hostname: string) => Promise<LookupAddress[]> = (hostname) => lookup(hostname, { all: true }),
): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidField('url', 'invalid_url', 'The url is not a valid absolute URL; use the full https://… address of your receiver.');
  }
  const allowPrivate = ctx.config.outboundAllowPrivate;
  const problem = urlProblem(url, allowPrivate);
  if (problem) {
    const hint =
      url.protocol === 'http:' ? ' (http is allowed only with PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE=true, for local development)' : '';
    throw invalidField('url', 'url_not_allowed', `The url is refused: ${problem}${hint}.`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) === 0) {
    const addresses = await resolve(host).catch(() => [] as LookupAddress[]);
    const forbidden = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (forbidden)
      throw invalidField(
        'url',
        'url_not_allowed',
        `The url is refused: ${host} resolves to ${forbidden.address}, a loopback, private, link-local or metadata address.`,
      );
  }
  return url.toString();
}

/** Creates an endpoint; the secret is in this answer only (stored sealed). */
export async function createEndpoint(
  ctx: AppContext,
  tenantId: string,
  input: CreateEndpointInput,
): Promise<EndpointView & { secret: string }> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const url = await checkEndpointUrl(ctx, input.url);
  const id = newId('webhookEndpoint');
  const secret = generateEndpointSecret();
  const secretId = newId('webhookSecret');
  const row = await insertEndpoint(
    ctx.store.db,
    { id, tenantId, url, description: input.description ?? null, eventTypes: storedEventTypes(input.event_types), now: ctx.now() },
    { id: secretId, sealed: ctx.secrets.seal(secret, bindingFor('webhook_endpoint_secrets', secretId)) },
  );
  return { ...endpointView(row), secret };
}

export async function changeEndpoint(
  ctx: AppContext,
  tenantId: string,
  endpointId: string,
  input: UpdateEndpointInput,
): Promise<EndpointView> {
  let row = await requireEndpoint(ctx, tenantId, endpointId);
  const url = input.url === undefined ? undefined : await checkEndpointUrl(ctx, input.url);
  const now = ctx.now();
  if (url !== undefined || input.description !== undefined || input.event_types !== undefined) {
    row = await updateEndpointFields(ctx.store.db, row.id, {
      url,
      description: input.description,
      eventTypes: input.event_types === undefined ? undefined : storedEventTypes(input.event_types),
      now,
    });
  }
  if (input.status === 'enabled' && row.status === 'disabled') row = await enableEndpoint(ctx.store.db, row, now);
  if (input.status === 'disabled' && row.status === 'enabled') {
    await disableEndpoint(ctx.store.db, row.id, 'Disabled by a user.', now);
    row = await requireEndpoint(ctx, tenantId, endpointId);
  }
  return endpointView(row);
}

/** Deletes the endpoint with its secrets and delivery log. */
export async function removeEndpoint(ctx: AppContext, tenantId: string, endpointId: string): Promise<void> {
  const row = await requireEndpoint(ctx, tenantId, endpointId);
  await deleteEndpoint(ctx.store.db, row.id);
}

/**
 * A new secret, shown once. The previous one keeps signing for the overlap (24 h by default, as
 * Stripe's roll), so a receiver can switch at its own pace: meanwhile each delivery carries both.
 */
export async function rotateSecret(
  ctx: AppContext,
  tenantId: string,
  endpointId: string,
): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
  const row = await requireEndpoint(ctx, tenantId, endpointId);
  const secret = generateEndpointSecret();
  const secretId = newId('webhookSecret');
  const now = ctx.now();
  const overlapUntil = new Date(now.getTime() + ctx.config.secretOverlapMs);
  await rotateEndpointSecret(
    ctx.store.db,
    row.id,
    { id: secretId, sealed: ctx.secrets.seal(secret, bindingFor('webhook_endpoint_secrets', secretId)) },
    overlapUntil,
    now,
  );
  return { id: row.id, secret, previous_secret_expires_at: overlapUntil.toISOString() };
}

/** Queues a `ping` to the endpoint through the normal delivery path (signed, logged, retried). */
export async function sendPing(ctx: AppContext, tenantId: string, endpointId: string) {
  const row = await requireEndpoint(ctx, tenantId, endpointId);
  if (row.status !== 'enabled')
    throw new AppError({
      code: 'endpoint_disabled',
      status: 409,
      message: 'This endpoint is disabled, so nothing is sent to it. Enable it (PATCH status "enabled") and send the test again.',
    });
  const now = ctx.now();
  const delivery = await inUnitOfWork(ctx, async (effects) => {
    const inserted = await insertStandaloneDelivery(effects.trx, {
      endpointId: row.id,
      tenantId,
      eventType: 'ping',
      payload: pingBody(row.id, now),
      webhookId: newId('webhookMessage'),
      now,
    });
    effects.signal({ kind: 'payable', tenantId, payableType: 'webhook_endpoint', payableId: row.id });
    return inserted;
  });
  return viewDelivery(delivery, []);
}

/**
 * Disables an endpoint Paybridge gave up on, recording `webhook_endpoint.disabled` (sent to the
 * tenant's other endpoints, shown in the dashboard) in the same transaction. Once per disabling.
 */
export async function disableFailingEndpoint(ctx: AppContext, endpointId: string, tenantId: string, reason: string): Promise<boolean> {
  return inUnitOfWork(ctx, async (effects) => {
    const disabled = await disableEndpoint(effects.trx, endpointId, reason, effects.now);
    if (!disabled) return false;
    const row = await findTenantEndpoint(effects.trx, tenantId, endpointId);
    if (row)
      effects.recordDomainEvent({
        tenantId,
        type: ENDPOINT_DISABLED_EVENT,
        object: { type: 'webhook_endpoint', id: endpointId },
        snapshot: endpointView(row),
        connectionId: null,
      });
    return true;
  });
}
