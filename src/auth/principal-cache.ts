import type { AppContext } from '../context';
import { signalRelayIsLive } from '../domain/signal-relay';
import { BUS_EVENT, RESYNC_EVENT } from '../domain/signals';
import type { Principal } from './principal';

/**
 * Without a live LISTEN connection another process's revocation must show within a second; this
 * process's own revocations drop the cache at once either way.
 */
const TTL_MS = 1_000;
/** With one, revocations arrive as notifications; this only bounds the damage of one lost in flight. */
const SAFETY_TTL_MS = 10_000;
/** Past this many keys the cache starts over: an install has far fewer live keys than this. */
const MAX_ENTRIES = 10_000;

interface CacheEntry {
  readonly principal: Principal;
  readonly loadedAt: number;
  /** When this process last recorded the key's use (`last_used_at` is kept to the minute). */
  touchedAt: number;
}

const caches = new WeakMap<AppContext, Map<string, CacheEntry>>();
/** Bumped at every drop: a lookup that started before a revocation must not put its answer back. */
const generations = new WeakMap<AppContext, number>();

function cacheOf(ctx: AppContext): Map<string, CacheEntry> {
  let cache = caches.get(ctx);
  if (!cache) {
    const created = new Map<string, CacheEntry>();
    // A revoked key or a changed admin token (by any process) drops everything: both are rare, and
    // dropping all is the one answer that cannot miss an entry.
    const drop = () => {
      created.clear();
      generations.set(ctx, (generations.get(ctx) ?? 0) + 1);
    };
    ctx.bus.on(BUS_EVENT.credentials, drop);
    ctx.bus.on(RESYNC_EVENT, drop);
    caches.set(ctx, created);
    cache = created;
  }
  return cache;
}

/**
 * The principal a token (by its keyed hash, never the token itself) resolved to a moment ago, so a
 * platform checking entitlements thousands of times a second costs no admin-token and API-key reads
 * per call. Only tokens that matched are kept: a wrong token always reaches the store.
 */
export function cachedPrincipal(ctx: AppContext, keyedHash: string): CacheEntry | undefined {
  const cache = cacheOf(ctx);
  const hit = cache.get(keyedHash);
  if (!hit) return undefined;
  if (Date.now() - hit.loadedAt < (signalRelayIsLive(ctx) ? SAFETY_TTL_MS : TTL_MS)) return hit;
  cache.delete(keyedHash);
  return undefined;
}

/** Taken before a lookup and handed to `rememberPrincipal`, which keeps nothing if a drop came between. */
export function principalGeneration(ctx: AppContext): number {
  cacheOf(ctx);
  return generations.get(ctx) ?? 0;
}

export function rememberPrincipal(ctx: AppContext, keyedHash: string, principal: Principal, generation: number, touchedAt: number): void {
  const cache = cacheOf(ctx);
  if (generation !== (generations.get(ctx) ?? 0)) return;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const now = Date.now();
  cache.set(keyedHash, { principal, loadedAt: now, touchedAt });
}
