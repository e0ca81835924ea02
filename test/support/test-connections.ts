import { randomBytes } from 'node:crypto';
import { addSigningSecret } from '../../src/connections/connection-service';
import { bindingFor } from '../../src/crypto/sealed-columns';
import { newId } from '../../src/ids';
import { insertConnection } from '../../src/store/connections';
import type { ConnectionRow, NewConnection } from '../../src/store/schema';
import { insertTenant } from '../../src/store/tenants';
import { ALL_FEATURES, type Feature } from '../../src/stripe/features';
import type { TestHarness } from './test-context';

export function randomSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/**
 * The row of a manually set-up, active connection with every check passed, for writing straight to
 * the store. `secretKeySealed` must already be sealed for this row's id (or be a placeholder where
 * nothing opens it).
 */
export function manualConnectionRow(values: {
  id: string;
  tenantId: string;
  name: string;
  mode?: 'test' | 'live';
  secretKeySealed: string;
  secretKeyHint?: string;
  accountId?: string | null;
  features?: readonly string[];
}): NewConnection {
  const mode = values.mode ?? 'test';
  return {
    id: values.id,
    tenant_id: values.tenantId,
    name: values.name,
    mode,
    environment: null,
    account_id: values.accountId ?? null,
    secret_key_sealed: values.secretKeySealed,
    secret_key_hint: values.secretKeyHint ?? `sk_${mode}_…test`,
    publishable_key: null,
    webhook_setup: 'manual',
    webhook_endpoint: JSON.stringify(null),
    features: JSON.stringify(values.features ?? ALL_FEATURES),
    is_active: true,
    status: 'active',
    status_reasons: JSON.stringify([]),
    permissions: JSON.stringify({ ok: true, checked: false, missing: [], required_writes: [], checked_at: null }),
    account_status: JSON.stringify(null),
    updated_at: new Date(),
  };
}

/**
 * A connection stored directly, skipping the checks against Stripe: ingestion tests are about what
 * happens to deliveries, and connection creation has its own tests against the sandbox.
 */
export async function insertTestConnection(
  h: TestHarness,
  options: {
    tenantId?: string;
    mode?: 'test' | 'live';
    features?: Feature[];
    secret?: string;
    accountId?: string;
    secretKey?: string;
  } = {},
): Promise<{ connection: ConnectionRow; secret: string; tenantId: string }> {
  const ctx = h.ctx;
  const tenantId = options.tenantId ?? (await insertTenant(ctx.store.db, 'Webhook tenant')).id;
  const id = newId('connection');
  const mode = options.mode ?? 'test';
  const connection = await insertConnection(
    ctx.store.db,
    manualConnectionRow({
      id,
      tenantId,
      name: `${mode} connection`,
      mode,
      accountId: options.accountId,
      secretKeySealed: ctx.secrets.seal(
        options.secretKey ?? `sk_${mode}_${randomBytes(12).toString('hex')}`,
        bindingFor('connections', id),
      ),
      features: options.features,
    }),
  );
  const secret = options.secret ?? randomSigningSecret();
  await addSigningSecret(ctx, id, secret);
  return { connection, secret, tenantId };
}
