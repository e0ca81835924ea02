import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import Stripe from 'stripe';
import { createSandboxApp } from './app';
import type { Sandbox, SandboxOptions } from './core/sandbox';
import type { DeliveryRecord } from './delivery/dispatcher';

export { createSandboxApp } from './app';
export type { Sandbox, SandboxOptions } from './core/sandbox';
export type { DeliveryRecord, DeliveryAttempt } from './delivery/dispatcher';
export type { ChaosSettings } from './delivery/chaos';

export interface StartSandboxOptions extends Omit<SandboxOptions, 'baseUrl'> {
  /** Default 12111; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface AccountCredentials {
  id: string;
  secret_key: string;
  publishable_key: string;
  live_secret_key: string;
  live_publishable_key: string;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The state behind the server, for assertions and direct control in tests. */
  sandbox: Sandbox;
  /** An official SDK client aimed at this sandbox (no network retries, so errors surface at once). */
  stripe(key: string, config?: Stripe.StripeConfig): Stripe;
  /** Creates an account with test and live keys, like `POST /_sandbox/accounts`. */
  createAccount(init?: { email?: string; business_name?: string }): Promise<AccountCredentials>;
  /** Resolves once every queued delivery and retry has finished; false if `timeoutMs` passed first. */
  waitForDeliveries(timeoutMs?: number): Promise<boolean>;
  deliveries(): DeliveryRecord[];
  close(): Promise<void>;
}

/**
 * Starts the sandbox on `host:port`.
 *
 * @example
 * const sb = await startSandbox({ port: 0, retryBaseMs: 20 });
 * const acct = await sb.createAccount();
 * const stripe = sb.stripe(acct.secret_key);
 * await stripe.customers.create({ email: 'a@example.com' });
 * await sb.close();
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const { app, sandbox } = createSandboxApp(options);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 12111, hostname: host }, () => resolve(s));
    // Longer than clients' idle keep-alive (undici: 4 s), so a client never reuses a socket at the
    // moment the server closes it (ECONNRESET on the next request).
    (s as import('node:http').Server).keepAliveTimeout = 65_000;
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  sandbox.baseUrl = url;
  return {
    url,
    port,
    sandbox,
    stripe: (key, config = {}) => new Stripe(key, { host, port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...config }),
    async createAccount(init = {}) {
      const response = await fetch(`${url}/_sandbox/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(init),
      });
      return (await response.json()) as AccountCredentials;
    },
    waitForDeliveries: (timeoutMs) => sandbox.dispatcher.waitForIdle(timeoutMs),
    deliveries: () => sandbox.dispatcher.records,
    close: () =>
      new Promise<void>((resolve) => {
        sandbox.close();
        const s = server as unknown as { closeAllConnections?: () => void; close(cb: () => void): void };
        s.close(() => resolve());
        s.closeAllConnections?.();
      }),
  };
}
