import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens (admin token, tenant API keys) are random, shown once, and stored only as SHA-256:
 * they carry 192 bits, so a fast hash is enough and a lookup by hash stays an index hit.
 */
export function generateToken(prefix: 'pb_admin' | 'pb_key'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameToken(hashA: string, hashB: string): boolean {
  const a = Buffer.from(hashA, 'hex');
  const b = Buffer.from(hashB, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `sk_test_…4f2a`: enough to recognise a key, never enough to use it. */
export function secretHint(secret: string): string {
  const prefix = /^([a-z]+_(?:test_|live_)?)/.exec(secret)?.[1] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}
