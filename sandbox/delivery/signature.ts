import { createHmac } from 'node:crypto';

/**
 * Stripe's `Stripe-Signature` header: `t=<unix>,v1=<hex>[,v1=<hex>…]`, no spaces, one `v1` per
 * active secret, each an HMAC-SHA256 of `${t}.${body}`.
 */
export function signatureHeader(body: string, secrets: readonly string[], timestamp: number): string {
  const parts = [`t=${timestamp}`];
  for (const secret of secrets) {
    parts.push(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`);
  }
  return parts.join(',');
}
