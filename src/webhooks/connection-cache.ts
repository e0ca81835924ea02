import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { signalRelayIsLive } from '../domain/signal-relay';
import { BUS_EVENT, RESYNC_EVENT } from '../domain/signals';
import { findConnection } from '../store/connections';
import type { ConnectionRow } from '../store/schema';
import { listActiveSigningSecrets } from '../store/signing-secrets';

export interface ReceivingConnection {
  readonly row: ConnectionRow;
  /** Plaintext signing secrets valid at load time, with their expiry (null = current). */
  readonly secrets: readonly { value: string; expiresAt: Date | null }[];
}

/** Without a live LISTEN connection, another process's change must show within a second. */
const TTL_MS = 1_000;
/** With one, changes arrive as notifications; this only bounds the damage of a notification lost in flight. */
const SAFETY_TTL_MS = 60_000;

interface CacheEntry {
  loadedAt: number;
  value: Promise<ReceivingConnection | undefined>;
}

const caches = new WeakMap<AppContext, Map<string, CacheEntry>>();

function cacheOf(ctx: AppContext): Map<string, CacheEntry> {
  let cache = caches.get(ctx);
  if (!cache) {
    const created = new Map<string, CacheEntry>();
    // A change committed by any process (this one at commit, others through LISTEN) drops its entry.
    ctx.bus.on(BUS_EVENT.connection, (signal: { connectionId: string }) => created.delete(signal.connectionId));
    ctx.bus.on(RESYNC_EVENT, () => created.clear());
    caches.set(ctx, created);
    cache = created;
  }
  return cache;
}

/**
 * Webhook deliveries look up their connection and decrypt its secrets; at thousands of events per
 * second that must not cost a query and an AES open each. A change to a connection drops its entry
 * at once, in this process and, through PostgreSQL notifications, in every other one. While this
 * process is not listening (PGlite, or the LISTEN connection is down) entries live one second.
 */
export function loadReceivingConnection(ctx: AppContext, connectionId: string): Promise<ReceivingConnection | undefined> {
  const cache = cacheOf(ctx);
  const now = Date.now();
  const hit = cache.get(connectionId);
  if (hit && now - hit.loadedAt < (signalRelayIsLive(ctx) ? SAFETY_TTL_MS : TTL_MS)) return hit.value;
  const value = load(ctx, connectionId);
  cache.set(connectionId, { loadedAt: now, value });
  value.catch(() => cache.delete(connectionId));
  if (cache.size > 10_000) cache.clear();
  return value;
}

/** Drops this process's entry only; a change others must hear goes through `announce` (src/domain/unit-of-work.ts). */
export function forgetConnection(ctx: AppContext, connectionId: string): void {
  caches.get(ctx)?.delete(connectionId);
}

async function load(ctx: AppContext, connectionId: string): Promise<ReceivingConnection | undefined> {
  // The receiver's own pool: a delivery must not queue behind API reads for its connection either.
  const row = await findConnection(ctx.store.ingestDb, connectionId);
  if (!row) return undefined;
  const secrets = await listActiveSigningSecrets(ctx.store.ingestDb, connectionId, ctx.now());
  return {
    row,
    secrets: secrets.map((secret) => ({
      value: ctx.secrets.open(secret.secret_sealed, bindingFor('signing_secrets', secret.id)),
      expiresAt: secret.expires_at,
    })),
  };
}

/** Secrets still inside their validity at `now` (an overlap can end between cache loads). */
export function secretsValidAt(connection: ReceivingConnection, now: Date): string[] {
  return connection.secrets.filter((secret) => !secret.expiresAt || secret.expiresAt > now).map((secret) => secret.value);
}
