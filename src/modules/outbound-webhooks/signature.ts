import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../../errors';

const PREFIX = 'whsec_';

/**
 * A new endpoint secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes (the
 * specification allows 24 to 64). The HMAC key is the decoded bytes, not the text.
 */
export function generateEndpointSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key a `whsec_…` secret stands for. */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new AppError({ code: 'invalid_secret', message: 'An endpoint secret starts with whsec_.' });
  const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
  if (key.length < 24 || key.length > 64)
    throw new AppError({ code: 'invalid_secret', message: 'An endpoint secret holds 24 to 64 bytes in base64.' });
  return key;
}

/**
 * The `webhook-signature` header: one `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per key,
 * separated by spaces, so a receiver holding either secret during a rotation verifies it.
 */
export function signatureHeader(webhookId: string, timestampSeconds: number, body: string, keys: readonly Buffer[]): string {
  const content = `${webhookId}.${timestampSeconds}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}
