import Stripe from 'stripe';

/** The API version Paybridge speaks and pins on the webhook endpoints it creates. */
export const STRIPE_API_VERSION = Stripe.API_VERSION;

export type StripeClientFactory = (secretKey: string) => Stripe;

/**
 * Every Stripe call goes through a client made here, so the sandbox (PAYBRIDGE_STRIPE_API_BASE) and
 * Stripe itself are reached the same way. Two network retries: the SDK retries only idempotent-safe
 * failures (connection errors, 409, 429, 5xx) and adds idempotency keys to POSTs when it does. A
 * 20 s timeout keeps a stuck call from holding a worker for the SDK's default 80 s.
 */
export function createStripeClientFactory(
  options: { apiBase?: string; timeoutMs?: number; maxNetworkRetries?: number } = {},
): StripeClientFactory {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  const common = {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'Paybridge', version: '0.1.0' },
  } satisfies Stripe.StripeConfig;
  return (secretKey) =>
    new Stripe(
      secretKey,
      base
        ? {
            ...common,
            host: base.hostname,
            port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
            protocol: base.protocol === 'https:' ? 'https' : 'http',
          }
        : common,
    );
}

/** True when the API base is the local sandbox rather than Stripe (loopback webhook URLs are then fine). */
export function isSandboxApiBase(apiBase: string | undefined): boolean {
  return apiBase !== undefined;
}
