import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { findConnection } from '../store/connections';
import type { ConnectionRow } from '../store/schema';
import { listActiveSigningSecrets } from '../store/signing-secrets';

export interface ReceivingConnection {
  readonly row: ConnectionRow;
  /** Plaintext signing secrets valid at load time, with their expiry (null = current). */
  readonly secrets: readonly { value: string; expiresAt: Date | null }[];
}

const TTL_MS = 1_000;

interface CacheEntry {
  loadedAt: number;
  value: Promise<ReceivingConnection | undefined>;
}

const caches = new WeakMap<AppContext, Map<string, CacheEntry>>();

/**
 * Webhook deliveries look up their connection and decrypt its secrets; at thousands of events per
 * second that must not cost a query and an AES open each. Entries live one second, and any change
 * made through this process drops them at once (`forgetConnection`), so a disconnect or rotation
 * takes effect immediately here and within a second in other processes.
 */
export function loadReceivingConnection(ctx: AppContext, connectionId: string): Promise<ReceivingConnection | undefined> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  const now = Date.now();
  const hit = cache.get(connectionId);
  if (hit && now - hit.loadedAt < TTL_MS) return hit.value;
  const value = load(ctx, connectionId);
  cache.set(connectionId, { loadedAt: now, value });
  value.catch(() => cache.delete(connectionId));
  if (cache.size > 10_000) cache.clear();
  return value;
}

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
