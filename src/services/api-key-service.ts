import type { AppContext } from '../context';
import { hashToken } from '../auth/token-hashing';
import { generateToken, secretHint } from '../crypto/tokens';
import { announce } from '../domain/unit-of-work';
import { notFound } from '../errors';
import { insertApiKey, listTenantApiKeys, revokeApiKey } from '../store/api-keys';
import type { ApiKey } from '../store/schema';
import { requireTenant } from './tenant-service';

/** What anyone may see of a key: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string | null;
  hint: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export function toApiKeyView(row: ApiKey): ApiKeyView {
  const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    created_at: iso(row.created_at)!,
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

/** Mints a key for a tenant (API, CLI and dashboard alike); the plaintext is returned once and only its hash is kept. */
export async function createApiKey(ctx: AppContext, tenantId: string, name?: string | null): Promise<{ key: string; view: ApiKeyView }> {
  await requireTenant(ctx, tenantId);
  const key = generateToken('pb_key');
  const row = await insertApiKey(ctx.store.db, {
    tenantId,
    tokenHash: (await hashToken(ctx, key)).keyed,
    hint: secretHint(key),
    name: name ?? null,
  });
  return { key, view: toApiKeyView(row) };
}

export async function listApiKeys(ctx: AppContext, tenantId: string): Promise<ApiKeyView[]> {
  await requireTenant(ctx, tenantId);
  return (await listTenantApiKeys(ctx.store.db, tenantId)).map(toApiKeyView);
}

/**
 * Revokes at once: the next request with the key gets 401, and its dashboard sessions end with it
 * (a session is only live while its key is unrevoked).
 */
export async function revokeTenantApiKey(ctx: AppContext, tenantId: string, keyId: string): Promise<ApiKeyView> {
  const row = await revokeApiKey(ctx.store.db, tenantId, keyId, ctx.now());
  if (!row) throw notFound('API key', keyId);
  // Every process's principal cache forgets the key now (others through a notification).
  await announce(ctx, [{ kind: 'credentials' }]);
  return toApiKeyView(row);
}
