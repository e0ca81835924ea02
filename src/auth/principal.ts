import type { AppContext } from '../context';
import { sameToken } from '../crypto/tokens';
import { findActiveApiKeyByHashes, replaceApiKeyHash, touchApiKey } from '../store/api-keys';
import { adminTokenHash, upgradeAdminTokenHash } from './admin-token';
import { hashToken } from './token-hashing';

export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; apiKeyId: string };

/** Resolves a bearer token to who is calling, or undefined when it matches nothing. */
export async function resolvePrincipal(ctx: AppContext, token: string): Promise<Principal | undefined> {
  const { keyed, legacy } = await hashToken(ctx, token);
  const adminHash = await adminTokenHash(ctx);
  if (adminHash && sameToken(keyed, adminHash)) return { kind: 'admin' };
  if (adminHash && sameToken(legacy, adminHash)) {
    // Stored before hashes were keyed: it matches this once, and from now on only as a keyed hash.
    await upgradeAdminTokenHash(ctx, legacy, keyed);
    return { kind: 'admin' };
  }
  const apiKey = await findActiveApiKeyByHashes(ctx.store.db, [keyed, legacy]);
  if (!apiKey) return undefined;
  if (apiKey.token_hash === legacy) await replaceApiKeyHash(ctx.store.db, apiKey.id, legacy, keyed);
  const now = ctx.now();
  if (!apiKey.last_used_at || now.getTime() - new Date(apiKey.last_used_at).getTime() > 60_000) {
    // Best effort and off the request's path: a failed bookkeeping write must not fail the call.
    touchApiKey(ctx.store.db, apiKey.id, now).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not record API key use'));
  }
  return { kind: 'tenant', tenantId: apiKey.tenant_id, apiKeyId: apiKey.id };
}

/** A tenant key sees only its own tenant; anything else looks exactly like a missing tenant (404). */
export function canAccessTenant(principal: Principal, tenantId: string): boolean {
  return principal.kind === 'admin' || principal.tenantId === tenantId;
}
