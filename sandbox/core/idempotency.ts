import type { Json } from './json';

interface Stored {
  fingerprint: string;
  status: number;
  body: Json;
  storedAtMs: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency: per account and mode, a key replays the first response for 24 hours when
 * the request is the same, and is an `idempotency_error` when the parameters differ.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Stored>();

  lookup(
    scopeKey: string,
    fingerprint: string,
    nowMs: number,
  ): { kind: 'miss' } | { kind: 'replay'; status: number; body: Json } | { kind: 'conflict' } {
    const entry = this.entries.get(scopeKey);
    if (!entry || nowMs - entry.storedAtMs > TTL_MS) return { kind: 'miss' };
    if (entry.fingerprint !== fingerprint) return { kind: 'conflict' };
    return { kind: 'replay', status: entry.status, body: entry.body };
  }

  store(scopeKey: string, fingerprint: string, status: number, body: Json, nowMs: number): void {
    this.entries.set(scopeKey, { fingerprint, status, body, storedAtMs: nowMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
