import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens (admin token, tenant API keys) and dashboard session ids are random (192 bits), shown
 * once, and stored only as a keyed hash: HMAC-SHA256 under the installation's token-hashing key
 * (src/auth/token-hashing.ts). A copy of the database alone therefore cannot test a guessed token,
 * and a lookup by hash stays one index hit. The `h1:` prefix names the scheme, so a stored value says
 * how it was made.
 */
export function generateToken(prefix: 'pb_admin' | 'pb_key'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export const TOKEN_HASH_SCHEME = 'h1:';

export function keyedTokenHash(key: Buffer, token: string): string {
  return `${TOKEN_HASH_SCHEME}${createHmac('sha256', key).update(token).digest('hex')}`;
}

/**
 * Plain SHA-256: how tokens were stored before keyed hashes. A stored legacy hash still matches once
 * and is replaced by the keyed one (src/auth/token-hashing.ts). Also the in-memory name of a token's
 * rate-limit bucket, which is never stored.
 */
export function legacyTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two stored hashes in constant time (for equal lengths, the only case that can match). */
export function sameToken(hashA: string, hashB: string): boolean {
  const a = Buffer.from(hashA, 'utf8');
  const b = Buffer.from(hashB, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `sk_test_…4f2a`: enough to recognise a key, never enough to use it. */
export function secretHint(secret: string): string {
  const prefix = /^([a-z]+_(?:test_|live_)?)/.exec(secret)?.[1] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}
