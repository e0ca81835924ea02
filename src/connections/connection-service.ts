import type { AppContext } from '../context';
import { inUnitOfWork } from '../domain/unit-of-work';
import { bindingFor } from '../crypto/sealed-columns';
import { secretHint } from '../crypto/tokens';
import { AppError, notFound } from '../errors';
import { newId } from '../ids';
import {
  findConnection,
  findTenantConnection,
  insertConnection,
  listAllLiveConnections,
  listTenantConnections,
  listTenantConnectionPage,
  countLiveConnections,
  findLiveConnectionToAccount,
  updateConnection,
} from '../store/connections';
import type { ConnectionRow, ConnectionUpdate, PermissionReport } from '../store/schema';
import { listActiveSigningSecrets } from '../store/signing-secrets';
import { findTenant } from '../store/tenants';
import { isSandboxApiBase } from '../stripe/client';
import { DEFAULT_FEATURES, type Feature } from '../stripe/features';
import { checkKeyWithStripe, requireSameAccount } from '../stripe/key-check';
import { checkAccountId, checkSigningSecret, parsePublishableKey, parseSecretKey, requireSameMode, type Mode } from '../stripe/key-rules';
import { buildReport, describePermissions, runPreflight, type PreflightResult } from '../stripe/preflight';
import { requiredPermissions } from '../stripe/permissions';
import { describeStripeError, fromStripeError } from '../stripe/stripe-errors';
import { requirePublicWebhookUrl } from '../stripe/webhook-url';
import { requestBackfill } from '../store/backfill-cursors';
import { resumePausedEvents } from '../store/events';
import type { CreateConnectionInput, UpdateConnectionInput } from './connection-input';
import { deriveStatus } from './connection-status';
import { toConnectionView, webhookUrl, type ConnectionView } from './connection-view';
import { ENDPOINT_REASON, endpointCapacity, inspectEndpoint, removeEndpoint, syncEndpoint, trySyncEndpoint } from './endpoint-sync';
import { addSigningSecret } from './signing-secret';

export { addSigningSecret } from './signing-secret';

const PERMISSIONS_REASON = 'permissions_missing';
const KEY_REASON = 'key_rejected';

export async function viewConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionView> {
  const secrets = await listActiveSigningSecrets(ctx.store.db, row.id, ctx.now());
  return toConnectionView(row, secrets, ctx.config.publicUrl);
}

export async function requireConnection(ctx: AppContext, tenantId: string, connectionId: string): Promise<ConnectionRow> {
  const row = await findTenantConnection(ctx.store.db, tenantId, connectionId);
  if (!row) throw notFound('connection', connectionId);
  return row;
}

/** New reasons for the categories a step re-checked; reasons of other categories stay. */
interface ReasonUpdate {
  prefixes: string[];
  reasons: string[];
}

/** Reasons an admin must act on, recomputed whenever what they depend on changes. */
async function setupReasons(ctx: AppContext, row: ConnectionRow, update?: ReasonUpdate): Promise<string[]> {
  const secrets = await listActiveSigningSecrets(ctx.store.db, row.id, ctx.now());
  const replaced = ['webhook_secret_missing', ...(update?.prefixes ?? [])];
  const reasons = row.status_reasons.filter((reason) => !replaced.some((prefix) => reason.startsWith(prefix)));
  reasons.push(...(update?.reasons ?? []));
  if (row.webhook_setup === 'manual') {
    // Manual setup never has a Paybridge endpoint to drift.
    for (let i = reasons.length - 1; i >= 0; i -= 1) if (reasons[i]!.startsWith(ENDPOINT_REASON)) reasons.splice(i, 1);
    if (secrets.length === 0) {
      reasons.push(
        "webhook_secret_missing: add a webhook endpoint in Stripe for this connection's webhook_url with the events in enabled_events, then paste its signing secret (whsec_…) as webhook_secret",
      );
    }
  }
  return reasons;
}

async function saveWithStatus(
  ctx: AppContext,
  row: ConnectionRow,
  changes: ConnectionUpdate = {},
  update?: ReasonUpdate,
): Promise<ConnectionRow> {
  const merged = { ...row, ...changes } as ConnectionRow;
  const reasons = await setupReasons(ctx, merged, update);
  const status = deriveStatus({ ...merged, status_reasons: reasons });
  const saved = await inUnitOfWork(ctx, async (effects) => {
    const updated = await updateConnection(effects.trx, row.id, { ...changes, status_reasons: JSON.stringify(reasons), status });
    // Every process's webhook route caches connections; a disconnect or new key must act now everywhere.
    effects.signal({ kind: 'connection', connectionId: row.id });
    if (updated.status !== row.status) {
      effects.recordDomainEvent({
        tenantId: updated.tenant_id,
        type: `connection.${updated.status}`,
        object: { type: 'connection', id: updated.id },
        snapshot: { id: updated.id, status: updated.status, status_reasons: reasons, is_active: updated.is_active },
        connectionId: updated.id,
      });
    }
    return updated;
  });
  // Events that arrived while the connection was disabled were kept as `paused`; they go first now.
  // Stripe sent nothing while the connection was disabled only if its endpoint was too; either way a
  // backfill now costs little and closes any gap.
  if (!row.is_active && saved.is_active) {
    await resumePausedEvents(ctx.store.db, row.id, ctx.now());
    await requestBackfill(ctx.store.db, row.id, ctx.now());
  }
  return saved;
}

function checkKeys(input: { secret_key: string; publishable_key?: string | null; webhook_secret?: string; account_id?: string }) {
  const secret = parseSecretKey(input.secret_key);
  if (input.publishable_key) requireSameMode(secret.mode, parsePublishableKey(input.publishable_key).mode, 'publishable_key');
  if (input.webhook_secret) checkSigningSecret(input.webhook_secret);
  if (input.account_id) checkAccountId(input.account_id);
  return secret;
}

function permissionReason(preflight: PreflightResult, row: Pick<ConnectionRow, 'id' | 'tenant_id'>): string[] {
  const { missing } = preflight.report;
  if (missing.length === 0) return [];
  return [
    `${PERMISSIONS_REASON}: the restricted key lacks ${describePermissions(missing, preflight.required)}. Edit the key in Stripe Dashboard → Developers → API keys and grant them; features that need them fail until then. POST /api/v1/tenants/${row.tenant_id}/connections/${row.id}/check re-checks.`,
  ];
}

/** Adds a permission found missing outside the preflight (a refused endpoint create) to the report. */
function withMissing(preflight: PreflightResult, permission: string | null, now: Date): PreflightResult {
  if (!permission || preflight.report.missing.includes(permission)) return preflight;
  return { ...preflight, report: buildReport(preflight.required, [...preflight.report.missing, permission], now) };
}

interface Verified {
  accountId: string | null;
  preflight: PreflightResult;
}

/** The live checks for a key, in order: Stripe accepts it, whose account it is, what it may do. */
async function verifyKey(
  ctx: AppContext,
  secretKey: string,
  options: { features: readonly Feature[]; webhookSetup: 'auto' | 'manual'; field?: string },
): Promise<Verified> {
  const stripe = ctx.stripe(secretKey);
  const { restricted } = parseSecretKey(secretKey);
  const { accountId } = await checkKeyWithStripe(stripe, secretHint(secretKey), options.field);
  const preflight = await runPreflight(stripe, {
    features: options.features,
    webhookSetup: options.webhookSetup,
    restricted,
    now: ctx.now(),
  });
  return { accountId, preflight };
}

function requireReachableUrl(ctx: AppContext, mode: Mode): void {
  requirePublicWebhookUrl({
    url: ctx.config.publicUrl,
    publicUrl: ctx.config.publicUrl,
    mode,
    sandbox: isSandboxApiBase(ctx.config.stripeApiBase),
  });
}

function openSecretKey(ctx: AppContext, row: ConnectionRow): string {
  return ctx.secrets.open(row.secret_key_sealed, bindingFor('connections', row.id));
}

async function findSameAccount(
  ctx: AppContext,
  tenantId: string,
  accountId: string,
  mode: Mode,
  environment: string | null,
): Promise<ConnectionRow | undefined> {
  return findLiveConnectionToAccount(ctx.store.db, { tenantId, accountId, mode, environment });
}

/**
 * A new connection (not a reconnection of the same account) must fit under the tenant's cap, checked
 * before anything is saved or an endpoint created. Two creates racing at the limit can both pass: the
 * cap bounds the work a tenant causes, it is not an invariant the data depends on.
 */
async function requireRoomForConnection(ctx: AppContext, tenantId: string): Promise<void> {
  const limit = ctx.config.maxConnectionsPerTenant;
  const live = await countLiveConnections(ctx.store.db, tenantId);
  if (live < limit) return;
  throw new AppError({
    code: 'connection_limit_reached',
    status: 409,
    message:
      `Tenant ${tenantId} already has ${live} live connections, the limit set by PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT (${limit}). ` +
      'Disconnect connections it no longer uses, or raise the limit (each connection adds a backfill round and a webhook endpoint).',
  });
}

export interface ConnectResult {
  row: ConnectionRow;
  /** True when the tenant had already connected this account (same mode and environment): that
   * connection was updated in place, keeping its id, webhook URL and endpoint. */
  reconnected: boolean;
}

/**
 * Connects a Stripe account in one step that either works or says what to fix: format checks, the
 * webhook URL check (auto), the live key check, the account id, the permission preflight, then the
 * connection is saved and its webhook endpoint registered (auto). Connecting an account the tenant
 * already connected in the same mode and environment is a reconnect, never a second endpoint.
 */
export async function connectAccount(ctx: AppContext, tenantId: string, input: CreateConnectionInput): Promise<ConnectResult> {
  if (!(await findTenant(ctx.store.db, tenantId))) throw notFound('tenant', tenantId);
  const { mode } = checkKeys(input);
  const features: Feature[] = input.features ? ([...new Set(input.features)] as Feature[]) : DEFAULT_FEATURES;
  if (input.webhook_setup === 'auto') requireReachableUrl(ctx, mode);
  const verified = await verifyKey(ctx, input.secret_key, { features, webhookSetup: input.webhook_setup });
  requireSameAccount(verified.accountId, input.account_id ?? null, 'account_id');
  const accountId = verified.accountId ?? input.account_id ?? null;
  const environment = input.environment ?? null;

  const existing = accountId ? await findSameAccount(ctx, tenantId, accountId, mode, environment) : undefined;
  if (existing) return { row: await reconnect(ctx, existing, input, features, verified), reconnected: true };
  await requireRoomForConnection(ctx, tenantId);

  const id = newId('connection');
  const draft = {
    id,
    tenant_id: tenantId,
    name: input.name,
    mode,
    environment,
    account_id: accountId,
    secret_key_sealed: ctx.secrets.seal(input.secret_key, bindingFor('connections', id)),
    secret_key_hint: secretHint(input.secret_key),
    publishable_key: input.publishable_key ?? null,
    webhook_setup: input.webhook_setup,
    webhook_endpoint: JSON.stringify(null),
    features: JSON.stringify(features),
    is_active: true,
    status: 'active' as const,
    status_reasons: JSON.stringify([]),
    permissions: JSON.stringify(verified.preflight.report),
    account_status: JSON.stringify(null),
    updated_at: ctx.now(),
  };
  const stripe = ctx.stripe(input.secret_key);
  const webhookReadable = !verified.preflight.report.missing.includes('rak_webhook_write');
  if (input.webhook_setup === 'auto' && webhookReadable) {
    // Refuse before saving anything when the account has no room for one more endpoint.
    await endpointCapacity(ctx, stripe, id);
  }
  const row = await insertConnection(ctx.store.db, draft);
  if (input.webhook_secret) await addSigningSecret(ctx, row.id, input.webhook_secret);
  return { row: await finishSetup(ctx, row, verified.preflight, stripe), reconnected: false };
}

/** Backwards-compatible: the connection (new or reconnected). */
export async function createConnection(ctx: AppContext, tenantId: string, input: CreateConnectionInput): Promise<ConnectionRow> {
  return (await connectAccount(ctx, tenantId, input)).row;
}

/** Registers or reconciles the endpoint (auto) and saves the permission report and reasons. */
async function finishSetup(
  ctx: AppContext,
  row: ConnectionRow,
  preflight: PreflightResult,
  stripe: ReturnType<AppContext['stripe']>,
): Promise<ConnectionRow> {
  let endpointReasons: string[] = [];
  let current = row;
  if (row.webhook_setup === 'auto' && !row.disconnected_at) {
    if (preflight.report.missing.includes('rak_webhook_write')) {
      endpointReasons = [
        `${ENDPOINT_REASON}not_created: the key may not manage webhook endpoints (rak_webhook_write), so Stripe sends no events. Grant Webhook Endpoints → Write, then POST /api/v1/tenants/${row.tenant_id}/connections/${row.id}/repair.`,
      ];
    } else {
      const outcome = await trySyncEndpoint(ctx, row, stripe);
      current = outcome.row;
      endpointReasons = outcome.reasons;
      preflight = withMissing(preflight, outcome.missingPermission, ctx.now());
    }
  }
  return saveWithStatus(
    ctx,
    current,
    { permissions: JSON.stringify(preflight.report) },
    {
      prefixes: [PERMISSIONS_REASON, ENDPOINT_REASON, KEY_REASON],
      reasons: [...permissionReason(preflight, row), ...endpointReasons],
    },
  );
}

async function reconnect(
  ctx: AppContext,
  row: ConnectionRow,
  input: CreateConnectionInput,
  features: Feature[],
  verified: Verified,
): Promise<ConnectionRow> {
  const stripe = ctx.stripe(input.secret_key);
  if (row.webhook_setup === 'auto' && input.webhook_setup === 'manual') {
    // The admin takes over the endpoint: Paybridge's own would deliver every event twice.
    const reason = await removeEndpoint(ctx, row, stripe);
    if (reason) ctx.logger.warn({ connectionId: row.id }, reason);
  }
  const updated = await updateConnection(ctx.store.db, row.id, {
    name: input.name,
    secret_key_sealed: ctx.secrets.seal(input.secret_key, bindingFor('connections', row.id)),
    secret_key_hint: secretHint(input.secret_key),
    publishable_key: input.publishable_key ?? row.publishable_key,
    webhook_setup: input.webhook_setup,
    features: JSON.stringify(features),
    ...(input.webhook_setup === 'manual' ? { webhook_endpoint: JSON.stringify(null) } : {}),
  });
  if (input.webhook_secret) await addSigningSecret(ctx, row.id, input.webhook_secret);
  ctx.logger.info({ connectionId: row.id }, 'connection reconnected');
  return finishSetup(ctx, updated, verified.preflight, stripe);
}

function refuseDisconnected(row: ConnectionRow): void {
  if (row.disconnected_at) {
    throw new AppError({
      code: 'connection_disconnected',
      status: 409,
      message: 'This connection was disconnected; its history stays readable but it cannot change. Create a new connection instead.',
    });
  }
}

export async function changeConnection(ctx: AppContext, row: ConnectionRow, input: UpdateConnectionInput): Promise<ConnectionRow> {
  refuseDisconnected(row);
  const changes: ConnectionUpdate = {};
  let secretKey: string | undefined;
  if (input.secret_key !== undefined) {
    const { mode } = parseSecretKey(input.secret_key);
    if (mode !== row.mode) {
      throw new AppError({
        code: 'mode_mismatch',
        status: 422,
        field: 'secret_key',
        message: `This connection is in ${row.mode} mode; the new key is a ${mode} key. Create a separate connection for ${mode} mode.`,
      });
    }
    secretKey = input.secret_key;
  }
  if (input.publishable_key !== undefined) {
    if (input.publishable_key !== null) requireSameMode(row.mode, parsePublishableKey(input.publishable_key).mode, 'publishable_key');
    changes.publishable_key = input.publishable_key;
  }
  if (input.webhook_secret !== undefined) checkSigningSecret(input.webhook_secret);
  const features = input.features !== undefined ? ([...new Set(input.features)] as Feature[]) : (row.features as Feature[]);
  const featuresChanged = input.features !== undefined && [...features].sort().join() !== [...(row.features as string[])].sort().join();

  // A new key replaces the old only after Stripe accepts it for the same account.
  let preflight: PreflightResult | undefined;
  if (secretKey !== undefined || featuresChanged) {
    const key = secretKey ?? openSecretKey(ctx, row);
    const verified = await verifyKey(ctx, key, {
      features,
      webhookSetup: row.webhook_setup,
      field: secretKey !== undefined ? 'secret_key' : 'features',
    });
    if (secretKey !== undefined) {
      requireSameAccount(verified.accountId, row.account_id, 'secret_key');
      changes.secret_key_sealed = ctx.secrets.seal(secretKey, bindingFor('connections', row.id));
      changes.secret_key_hint = secretHint(secretKey);
      if (!row.account_id && verified.accountId) changes.account_id = verified.accountId;
    }
    preflight = verified.preflight;
  }
  if (input.name !== undefined) changes.name = input.name;
  if (input.environment !== undefined) changes.environment = input.environment;
  if (input.is_active !== undefined) changes.is_active = input.is_active;
  if (input.features !== undefined) changes.features = JSON.stringify(features);
  if (input.webhook_secret !== undefined) await addSigningSecret(ctx, row.id, input.webhook_secret);
  if (!preflight) return saveWithStatus(ctx, row, changes);

  const saved = await updateConnection(ctx.store.db, row.id, changes);
  if (secretKey !== undefined) ctx.logger.info({ connectionId: row.id }, 'API key rotated');
  if (!featuresChanged && saved.webhook_setup === 'auto' && saved.webhook_endpoint) {
    // Only the key changed: the endpoint stays as it is, so just refresh the report.
    return saveWithStatus(
      ctx,
      saved,
      { permissions: JSON.stringify(preflight.report) },
      { prefixes: [PERMISSIONS_REASON, KEY_REASON], reasons: permissionReason(preflight, saved) },
    );
  }
  return finishSetup(ctx, saved, preflight, ctx.stripe(secretKey ?? openSecretKey(ctx, saved)));
}

/**
 * `POST …/check`: re-runs the live key check, the permission preflight and the drift check, and
 * saves what it found. A key Stripe no longer accepts becomes a reason, not an error: the
 * connection is what needs attention, not this request.
 */
export async function checkConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionRow> {
  refuseDisconnected(row);
  const key = openSecretKey(ctx, row);
  let verified: Verified;
  try {
    verified = await verifyKey(ctx, key, { features: row.features as Feature[], webhookSetup: row.webhook_setup });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'key_rejected_by_stripe') throw error;
    const unchecked: PermissionReport = { ...row.permissions, ok: false, checked: false, checked_at: ctx.now().toISOString() };
    return saveWithStatus(
      ctx,
      row,
      { permissions: JSON.stringify(unchecked) },
      {
        prefixes: [KEY_REASON],
        reasons: [
          `${KEY_REASON}: Stripe no longer accepts the key ${row.secret_key_hint} (rolled or deleted); nothing can be called or checked. Paste a current key with PATCH secret_key.`,
        ],
      },
    );
  }
  const changes: ConnectionUpdate = {};
  if (!row.account_id && verified.accountId) changes.account_id = verified.accountId;
  const drift = await inspectEndpoint(ctx, row, ctx.stripe(key));
  const preflight = withMissing(verified.preflight, drift.missingPermission, ctx.now());
  changes.permissions = JSON.stringify(preflight.report);
  return saveWithStatus(ctx, drift.row, changes, {
    prefixes: [PERMISSIONS_REASON, ENDPOINT_REASON, KEY_REASON],
    reasons: [...permissionReason(preflight, row), ...drift.reasons],
  });
}

/** `POST …/repair`: restores Paybridge's endpoint (recreating it stores the new secret), then re-checks. */
export async function repairConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionRow> {
  refuseDisconnected(row);
  if (row.webhook_setup !== 'auto') {
    throw new AppError({
      code: 'manual_webhook_setup',
      status: 409,
      message: `This connection uses manual webhook setup, so Paybridge does not manage its endpoint. In Stripe, make the endpoint for ${webhookUrl(ctx.config.publicUrl, row.id)} enabled with the events in enabled_events, or reconnect with webhook_setup "auto".`,
    });
  }
  requireReachableUrl(ctx, row.mode);
  try {
    await syncEndpoint(ctx, row, ctx.stripe(openSecretKey(ctx, row)));
    // Whatever needed repair (a deleted or disabled endpoint) lost deliveries: the next backfill
    // tick fetches them rather than the next 15-minute slot.
    await requestBackfill(ctx.store.db, row.id, ctx.now());
  } catch (error) {
    if (error instanceof AppError) throw error;
    const failure = describeStripeError(error);
    if (failure.kind === 'authentication' || failure.kind === 'permission') {
      throw new AppError({
        code: failure.kind === 'authentication' ? 'key_rejected_by_stripe' : 'permission_missing',
        status: 422,
        message:
          failure.kind === 'authentication'
            ? `Stripe rejected the key ${row.secret_key_hint}; paste a current key with PATCH secret_key, then repair again.`
            : `The key may not manage webhook endpoints (rak_webhook_write). Grant Webhook Endpoints → Write to the restricted key in Stripe Dashboard → Developers → API keys, then repair again.`,
      });
    }
    throw fromStripeError(error, 'repairing the webhook endpoint');
  }
  return checkConnection(ctx, (await findTenantConnection(ctx.store.db, row.tenant_id, row.id))!);
}

/** Disconnect keeps the row and its history; deliveries to its URL get 404 from now on. */
export async function disconnectConnection(ctx: AppContext, row: ConnectionRow): Promise<ConnectionRow> {
  if (row.disconnected_at) return row;
  let reason: string | null = null;
  if (row.webhook_endpoint) reason = await removeEndpoint(ctx, row, ctx.stripe(openSecretKey(ctx, row)));
  return saveWithStatus(
    ctx,
    row,
    { disconnected_at: ctx.now(), is_active: false, ...(reason ? {} : { webhook_endpoint: JSON.stringify(null) }) },
    {
      prefixes: [ENDPOINT_REASON],
      reasons: reason ? [reason] : [],
    },
  );
}

/** The tenant's live connections, oldest first; with `includeDisconnected`, the disconnected ones too (the dashboard's history). */
export async function listConnections(
  ctx: AppContext,
  tenantId: string,
  options: { includeDisconnected?: boolean } = {},
): Promise<ConnectionRow[]> {
  return listTenantConnections(ctx.store.db, tenantId, options);
}

/** A connection by id alone (the CLI names connections without their tenant); 404 when there is none. */
export async function requireConnectionById(ctx: AppContext, connectionId: string): Promise<ConnectionRow> {
  const row = await findConnection(ctx.store.db, connectionId);
  if (!row) throw notFound('connection', connectionId);
  return row;
}

/** One page of the tenant's live connections, newest first (the API list). */
export async function listConnectionPage(
  ctx: AppContext,
  tenantId: string,
  options: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<ConnectionRow[]> {
  return listTenantConnectionPage(ctx.store.db, tenantId, options);
}

/** The permissions a restricted key needs for a connection's features, for views and the CLI. */
export function connectionRequirements(row: Pick<ConnectionRow, 'features' | 'webhook_setup'>) {
  return requiredPermissions(row.features as Feature[], row.webhook_setup);
}

export interface DriftRunResult {
  checked: number;
  /** Connections whose endpoint needs repair after this run. */
  needsAttention: string[];
  /** Connections that could not be checked (Stripe unreachable, key rejected): retried next run. */
  failed: { connectionId: string; error: string }[];
}

/**
 * The periodic drift check: every live connection with a Paybridge-managed endpoint is compared with
 * what Stripe has, and its endpoint reasons are replaced by what was found. Returns a summary for the
 * worker loop to log; one connection's failure never stops the others.
 */
export async function runDriftChecks(ctx: AppContext): Promise<DriftRunResult> {
  const result: DriftRunResult = { checked: 0, needsAttention: [], failed: [] };
  for (const row of await listAllLiveConnections(ctx.store.db)) {
    if (row.webhook_setup !== 'auto') continue;
    try {
      const drift = await inspectEndpoint(ctx, row, ctx.stripe(openSecretKey(ctx, row)));
      const saved = await saveWithStatus(ctx, drift.row, {}, { prefixes: [ENDPOINT_REASON], reasons: drift.reasons });
      result.checked += 1;
      if (drift.reasons.length > 0) result.needsAttention.push(saved.id);
    } catch (error) {
      result.failed.push({ connectionId: row.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
