import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { secretHint } from '../crypto/tokens';
import { AppError, notFound } from '../errors';
import { newId } from '../ids';
import { findTenantConnection, insertConnection, listTenantConnections, updateConnection } from '../store/connections';
import type { ConnectionRow, ConnectionUpdate } from '../store/schema';
import { expireCurrentSigningSecrets, insertSigningSecret, listActiveSigningSecrets } from '../store/signing-secrets';
import { resumePausedEvents } from '../store/events';
import { findTenant } from '../store/tenants';
import { forgetConnection } from '../webhooks/connection-cache';
import { DEFAULT_FEATURES, type Feature } from '../stripe/features';
import { checkAccountId, checkSigningSecret, parsePublishableKey, parseSecretKey, requireSameMode } from '../stripe/key-rules';
import type { CreateConnectionInput, UpdateConnectionInput } from './connection-input';
import { deriveStatus } from './connection-status';
import { toConnectionView, type ConnectionView } from './connection-view';

export async function viewConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionView> {
  const secrets = await listActiveSigningSecrets(ctx.store.db, row.id, ctx.now());
  return toConnectionView(row, secrets, ctx.config.publicUrl);
}

export async function requireConnection(ctx: AppContext, tenantId: string, connectionId: string): Promise<ConnectionRow> {
  const row = await findTenantConnection(ctx.store.db, tenantId, connectionId);
  if (!row) throw notFound('connection', connectionId);
  return row;
}

/** Reasons an admin must act on, recomputed whenever what they depend on changes. */
async function setupReasons(ctx: AppContext, row: ConnectionRow): Promise<string[]> {
  const secrets = await listActiveSigningSecrets(ctx.store.db, row.id, ctx.now());
  const reasons = row.status_reasons.filter((reason) => !reason.startsWith('webhook_secret_missing'));
  if (secrets.length === 0 && row.webhook_setup === 'manual') {
    reasons.push(
      'webhook_secret_missing: add a webhook endpoint in Stripe for this connection\'s webhook_url with the events in enabled_events, then paste its signing secret (whsec_…) as webhook_secret',
    );
  }
  return reasons;
}

async function saveWithStatus(ctx: AppContext, row: ConnectionRow, changes: ConnectionUpdate = {}): Promise<ConnectionRow> {
  const merged = { ...row, ...changes } as ConnectionRow;
  const reasons = await setupReasons(ctx, merged);
  const status = deriveStatus({ ...merged, status_reasons: reasons });
  const saved = await updateConnection(ctx.store.db, row.id, { ...changes, status_reasons: JSON.stringify(reasons), status });
  forgetConnection(ctx, row.id);
  if (!row.is_active && saved.is_active) await resumePausedEvents(ctx.store.db, row.id, ctx.now());
  return saved;
}

function checkKeys(input: { secret_key: string; publishable_key?: string | null; webhook_secret?: string; account_id?: string }) {
  const secret = parseSecretKey(input.secret_key);
  if (input.publishable_key) requireSameMode(secret.mode, parsePublishableKey(input.publishable_key).mode, 'publishable_key');
  if (input.webhook_secret) checkSigningSecret(input.webhook_secret);
  if (input.account_id) checkAccountId(input.account_id);
  return secret;
}

export async function createConnection(ctx: AppContext, tenantId: string, input: CreateConnectionInput): Promise<ConnectionRow> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const { mode } = checkKeys(input);
  const id = newId('connection');
  const features: Feature[] = input.features ? ([...new Set(input.features)] as Feature[]) : DEFAULT_FEATURES;
  const row = await insertConnection(ctx.store.db, {
    id,
    tenant_id: tenantId,
    name: input.name,
    mode,
    environment: input.environment ?? null,
    account_id: input.account_id ?? null,
    secret_key_sealed: ctx.secrets.seal(input.secret_key, bindingFor('connections', id)),
    secret_key_hint: secretHint(input.secret_key),
    publishable_key: input.publishable_key ?? null,
    webhook_setup: input.webhook_setup,
    webhook_endpoint: JSON.stringify(null),
    features: JSON.stringify(features),
    is_active: true,
    status: 'active',
    status_reasons: JSON.stringify([]),
    permissions: JSON.stringify({ ok: true, checked: false, missing: [], required_writes: [], checked_at: null }),
    account_status: JSON.stringify(null),
    updated_at: ctx.now(),
  });
  if (input.webhook_secret) await addSigningSecret(ctx, row.id, input.webhook_secret);
  return saveWithStatus(ctx, row);
}

/**
 * Stores a new signing secret. Older ones keep verifying for the configured overlap (Stripe's own
 * "roll secret" keeps the old one alive up to 24 h), so deliveries in flight are not rejected.
 */
export async function addSigningSecret(ctx: AppContext, connectionId: string, secret: string): Promise<void> {
  await expireCurrentSigningSecrets(ctx.store.db, connectionId, new Date(ctx.now().getTime() + ctx.config.secretOverlapMs));
  await insertSigningSecret(ctx.store.db, {
    connectionId,
    seal: (secretId) => ctx.secrets.seal(secret, bindingFor('signing_secrets', secretId)),
    hint: secretHint(secret),
  });
  forgetConnection(ctx, connectionId);
}

export async function changeConnection(ctx: AppContext, row: ConnectionRow, input: UpdateConnectionInput): Promise<ConnectionRow> {
  if (row.disconnected_at) {
    throw new AppError({ code: 'connection_disconnected', status: 409, message: 'This connection was disconnected; its history stays readable but it cannot change. Create a new connection instead.' });
  }
  const changes: ConnectionUpdate = {};
  if (input.secret_key !== undefined) {
    const { mode } = parseSecretKey(input.secret_key);
    if (mode !== row.mode) {
      throw new AppError({ code: 'mode_mismatch', status: 422, field: 'secret_key', message: `This connection is in ${row.mode} mode; the new key is a ${mode} key. Create a separate connection for ${mode} mode.` });
    }
    changes.secret_key_sealed = ctx.secrets.seal(input.secret_key, bindingFor('connections', row.id));
    changes.secret_key_hint = secretHint(input.secret_key);
  }
  if (input.publishable_key !== undefined) {
    if (input.publishable_key !== null) requireSameMode(row.mode, parsePublishableKey(input.publishable_key).mode, 'publishable_key');
    changes.publishable_key = input.publishable_key;
  }
  if (input.webhook_secret !== undefined) checkSigningSecret(input.webhook_secret);
  if (input.name !== undefined) changes.name = input.name;
  if (input.environment !== undefined) changes.environment = input.environment;
  if (input.is_active !== undefined) changes.is_active = input.is_active;
  if (input.features !== undefined) changes.features = JSON.stringify([...new Set(input.features)]);
  if (input.webhook_secret !== undefined) await addSigningSecret(ctx, row.id, input.webhook_secret);
  return saveWithStatus(ctx, row, changes);
}

/** Disconnect keeps the row and its history; deliveries to its URL get 404 from now on. */
export async function disconnectConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionRow> {
  if (row.disconnected_at) return row;
  return saveWithStatus(ctx, row, { disconnected_at: ctx.now(), is_active: false });
}

export async function listConnections(ctx: AppContext, tenantId: string): Promise<ConnectionRow[]> {
  return listTenantConnections(ctx.store.db, tenantId);
}
