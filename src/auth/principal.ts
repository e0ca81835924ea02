import type { AppContext } from '../context';
import { sameToken } from '../crypto/tokens';
import { findActiveApiKeyByHashes, replaceApiKeyHash, touchApiKey } from '../store/api-keys';
import { adminTokenHash, upgradeAdminTokenHash } from './admin-token';
import { cachedPrincipal, principalGeneration, rememberPrincipal } from './principal-cache';
import { hashToken } from './token-hashing';

export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; apiKeyId: string };

/**
 * Resolves a bearer token to who is calling, or undefined when it matches nothing. A token that
 * matched is answered from the principal cache for a few seconds (principal-cache.ts); a revocation
 * drops the cache at once in this process and, through PostgreSQL notifications, in the others.
 */
export async function resolvePrincipal(ctx: AppContext, token: string): Promise<Principal | undefined> {
  const { keyed, legacy } = await hashToken(ctx, token);
  const cached = cachedPrincipal(ctx, keyed);
  if (cached) {
    if (cached.principal.kind === 'tenant' && Date.now() - cached.touchedAt > TOUCH_EVERY_MS) {
      cached.touchedAt = Date.now();
      recordUse(ctx, cached.principal.apiKeyId, ctx.now());
    }
    return cached.principal;
  }
  const generation = principalGeneration(ctx);
  const principal = await lookUpPrincipal(ctx, keyed, legacy);
  if (principal) rememberPrincipal(ctx, keyed, principal, generation, Date.now());
  return principal;
}

const TOUCH_EVERY_MS = 60_000;

async function lookUpPrincipal(ctx: AppContext, keyed: string, legacy: string): Promise<Principal | undefined> {
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
  if (!apiKey.last_used_at || now.getTime() - new Date(apiKey.last_used_at).getTime() > TOUCH_EVERY_MS) recordUse(ctx, apiKey.id, now);
  return { kind: 'tenant', tenantId: apiKey.tenant_id, apiKeyId: apiKey.id };
}

function recordUse(ctx: AppContext, apiKeyId: string, now: Date): void {
  // Best effort and off the request's path: a failed bookkeeping write must not fail the call.
  touchApiKey(ctx.store.db, apiKeyId, now).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not record API key use'));
}

/** A tenant key sees only its own tenant; anything else looks exactly like a missing tenant (404). */
export function canAccessTenant(principal: Principal, tenantId: string): boolean {
  return principal.kind === 'admin' || principal.tenantId === tenantId;
}
