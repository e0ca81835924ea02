import type { AppContext } from '../context';
import { generateToken, hashToken, secretHint } from '../crypto/tokens';
import { notFound } from '../errors';
import { insertApiKey } from '../store/api-keys';
import { findTenant, insertTenant } from '../store/tenants';
import type { Tenant } from '../store/schema';

/** Tenants and their API keys, for the API, the dashboard and the CLI alike. */
export async function createTenant(ctx: AppContext, name: string): Promise<Tenant> {
  return insertTenant(ctx.store.db, name);
}

export async function requireTenant(ctx: AppContext, tenantId: string): Promise<Tenant> {
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) throw notFound('tenant', tenantId);
  return tenant;
}

/**
 * Mints a tenant API key. Only its hash is stored, so the returned `key` is the one chance to show
 * it; the hint lets a person recognise it later.
 */
export async function mintApiKey(ctx: AppContext, tenantId: string): Promise<{ id: string; key: string; hint: string }> {
  await requireTenant(ctx, tenantId);
  const key = generateToken('pb_key');
  const row = await insertApiKey(ctx.store.db, { tenantId, tokenHash: hashToken(key), hint: secretHint(key) });
  return { id: row.id, key, hint: row.hint };
}
