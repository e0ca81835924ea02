import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { requestBackfill } from '../store/backfill-cursors';
import { findConnection, updateConnection } from '../store/connections';
import type { ConnectionRow, WebhookEndpointState } from '../store/schema';
import { listActiveSigningSecrets } from '../store/signing-secrets';
import { STRIPE_API_VERSION } from '../stripe/client';
import { eventsForFeatures, type Feature } from '../stripe/features';
import { describeStripeError, fromStripeError } from '../stripe/stripe-errors';
import {
  MAX_WEBHOOK_ENDPOINTS,
  connectionOf,
  createEndpoint,
  deleteEndpoint,
  endpointDrift,
  endpointLimitError,
  endpointState,
  listEndpoints,
  retrieveEndpoint,
  updateEndpoint,
  type DesiredEndpoint,
} from '../stripe/webhook-endpoint';
import { webhookUrl } from './connection-view';
import { addSigningSecret } from './signing-secret';

/** Reasons this module owns in `status_reasons`; each run replaces them all. */
export const ENDPOINT_REASON = 'webhook_endpoint_';

export function desiredEndpoint(ctx: AppContext, row: Pick<ConnectionRow, 'id' | 'tenant_id' | 'name' | 'features'>): DesiredEndpoint {
  return {
    url: webhookUrl(ctx.config.publicUrl, row.id),
    events: eventsForFeatures(row.features as Feature[]),
    connectionId: row.id,
    tenantId: row.tenant_id,
    description: `Paybridge: ${row.name} (${row.id})`,
  };
}

function repairHint(row: Pick<ConnectionRow, 'id' | 'tenant_id'>): string {
  return `POST /api/v1/tenants/${row.tenant_id}/connections/${row.id}/repair (or: paybridge connections repair ${row.id}) restores it`;
}

/**
 * Paybridge endpoints left behind by connections that are gone (disconnected while Stripe was
 * unreachable, or a reset database): tagged as ours and pointing at our webhook base, so deleting
 * them loses nothing and keeps the account under Stripe's 16-endpoint cap.
 */
async function leftovers(ctx: AppContext, all: Stripe.WebhookEndpoint[], connectionId: string): Promise<Stripe.WebhookEndpoint[]> {
  const base = `${ctx.config.publicUrl}/webhooks/stripe/`;
  const found: Stripe.WebhookEndpoint[] = [];
  for (const endpoint of all) {
    const owner = connectionOf(endpoint);
    if (!owner || owner === connectionId || !endpoint.url.startsWith(base)) continue;
    const other = await findConnection(ctx.store.db, owner);
    if (!other || other.disconnected_at) found.push(endpoint);
  }
  return found;
}

/** Counts what would remain after a sync, so a create can refuse before anything is saved. */
export async function endpointCapacity(ctx: AppContext, stripe: Stripe, connectionId: string): Promise<void> {
  const all = await listEndpoints(stripe);
  const removable = all.filter((e) => connectionOf(e) === connectionId).length + (await leftovers(ctx, all, connectionId)).length;
  if (all.length - removable >= MAX_WEBHOOK_ENDPOINTS) throw endpointLimitError(all.length);
}

/**
 * Makes Stripe hold exactly one Paybridge endpoint for this connection with the right URL and
 * events: the existing one (found by id or metadata) is updated; duplicates and leftovers are
 * deleted; when none can be reused it is created and its secret stored before anything else runs.
 */
export async function syncEndpoint(ctx: AppContext, row: ConnectionRow, stripe: Stripe): Promise<ConnectionRow> {
  const desired = desiredEndpoint(ctx, row);
  const all = await listEndpoints(stripe);
  const ours = all.filter((e) => connectionOf(e) === row.id);
  const secrets = await listActiveSigningSecrets(ctx.store.db, row.id, ctx.now());
  let keep = ours.find((e) => e.id === row.webhook_endpoint?.id) ?? ours[0];
  // Stripe fixes api_version at create, and a secret we no longer hold cannot be fetched again:
  // either way the endpoint must be replaced rather than updated.
  if (keep && (keep.api_version !== STRIPE_API_VERSION || secrets.length === 0)) keep = undefined;
  const remove = [...ours.filter((e) => e !== keep), ...(await leftovers(ctx, all, row.id))];
  for (const endpoint of remove) await deleteEndpoint(stripe, endpoint.id);

  let state: WebhookEndpointState;
  if (keep) {
    state = endpointState(await updateEndpoint(stripe, keep.id, desired));
  } else {
    const remaining = all.length - remove.length;
    if (remaining >= MAX_WEBHOOK_ENDPOINTS) throw endpointLimitError(remaining);
    const { endpoint, secret } = await createEndpoint(stripe, desired);
    // Stripe returns the secret only on create: store it before anything else can fail.
    await addSigningSecret(ctx, row.id, secret);
    state = endpointState(endpoint);
    ctx.logger.info({ connectionId: row.id, endpointId: endpoint.id }, 'webhook endpoint created');
    // A new endpoint receives only what happens from now on; what happened before it is backfilled.
    await requestBackfill(ctx.store.db, row.id, ctx.now());
  }
  return updateConnection(ctx.store.db, row.id, { webhook_endpoint: JSON.stringify(state) });
}

export interface EndpointOutcome {
  row: ConnectionRow;
  reasons: string[];
  /** Set when the key lacks the permission the endpoint needs. */
  missingPermission: string | null;
}

/** syncEndpoint for flows that must not fail on Stripe's refusal: the refusal becomes a reason. */
export async function trySyncEndpoint(ctx: AppContext, row: ConnectionRow, stripe: Stripe): Promise<EndpointOutcome> {
  try {
    return { row: await syncEndpoint(ctx, row, stripe), reasons: [], missingPermission: null };
  } catch (error) {
    if (error instanceof AppError) {
      if (error.retryable) throw error;
      return { row, reasons: [`${ENDPOINT_REASON}not_created: ${error.message}`], missingPermission: null };
    }
    const failure = describeStripeError(error);
    if (failure.kind === 'permission') {
      return {
        row,
        reasons: [
          `${ENDPOINT_REASON}not_created: the key may not manage webhook endpoints (rak_webhook_write), so Stripe will send no events. Grant Webhook Endpoints → Write to the restricted key, then ${repairHint(row)}.`,
        ],
        missingPermission: 'rak_webhook_write',
      };
    }
    if (failure.kind === 'invalid_request') {
      return {
        row,
        reasons: [`${ENDPOINT_REASON}not_created: Stripe refused the webhook endpoint: ${failure.message}`],
        missingPermission: null,
      };
    }
    throw fromStripeError(error, 'registering the webhook endpoint');
  }
}

/**
 * The drift check (C2): the endpoint Paybridge registered must still exist, be enabled, point at
 * this connection's URL and subscribe to exactly the features' events.
 */
export async function inspectEndpoint(ctx: AppContext, row: ConnectionRow, stripe: Stripe): Promise<EndpointOutcome> {
  if (row.webhook_setup !== 'auto' || row.disconnected_at) return { row, reasons: [], missingPermission: null };
  const recorded = row.webhook_endpoint;
  if (!recorded) {
    const reason = row.status_reasons.find((r) => r.startsWith(`${ENDPOINT_REASON}not_created`));
    return {
      row,
      reasons: [
        reason ?? `${ENDPOINT_REASON}missing: no webhook endpoint is registered in Stripe for this connection; ${repairHint(row)}.`,
      ],
      missingPermission: null,
    };
  }
  let actual: Stripe.WebhookEndpoint | null;
  try {
    actual = await retrieveEndpoint(stripe, recorded.id);
  } catch (error) {
    const failure = describeStripeError(error);
    if (failure.kind !== 'permission') throw fromStripeError(error, 'checking the webhook endpoint');
    return {
      row,
      reasons: [
        `${ENDPOINT_REASON}unchecked: the key may not read webhook endpoints (rak_webhook_write), so Paybridge cannot tell whether ${recorded.id} still delivers. Grant Webhook Endpoints → Write to the restricted key.`,
      ],
      missingPermission: 'rak_webhook_write',
    };
  }
  if (!actual) {
    return {
      row: await updateConnection(ctx.store.db, row.id, { webhook_endpoint: JSON.stringify({ ...recorded, status: 'deleted' }) }),
      reasons: [
        `${ENDPOINT_REASON}missing: the webhook endpoint ${recorded.id} was deleted in Stripe, so no events arrive; ${repairHint(row)}.`,
      ],
      missingPermission: null,
    };
  }
  const updated = await updateConnection(ctx.store.db, row.id, { webhook_endpoint: JSON.stringify(endpointState(actual)) });
  const drift = endpointDrift(actual, desiredEndpoint(ctx, row));
  const kind = actual.status !== 'enabled' ? 'disabled' : 'changed';
  return {
    row: updated,
    reasons:
      drift.length > 0
        ? [`${ENDPOINT_REASON}${kind}: the webhook endpoint ${actual.id} changed in Stripe: ${drift.join('; ')}; ${repairHint(row)}.`]
        : [],
    missingPermission: null,
  };
}

/** Deletes the endpoint Paybridge created for the connection (one already gone is fine). */
export async function removeEndpoint(ctx: AppContext, row: ConnectionRow, stripe: Stripe): Promise<string | null> {
  const recorded = row.webhook_endpoint;
  if (!recorded) return null;
  try {
    await deleteEndpoint(stripe, recorded.id);
    return null;
  } catch (error) {
    ctx.logger.warn(
      { connectionId: row.id, endpointId: recorded.id, err: describeStripeError(error).message },
      'could not delete webhook endpoint',
    );
    return `${ENDPOINT_REASON}not_deleted: Paybridge could not delete the webhook endpoint ${recorded.id} (${describeStripeError(error).message}); delete it in Stripe Dashboard → Developers → Webhooks.`;
  }
}
