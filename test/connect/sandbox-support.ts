import { createHmac } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';

/**
 * Starts one sandbox for the test file (127.0.0.1, free port) and fills `env` with its API base
 * before any harness is built, so describeEachStore's harnesses talk to it through the real SDK.
 */
export function useSandbox(env: Record<string, string> = {}): { env: Record<string, string>; sandbox: () => RunningSandbox } {
  let running: RunningSandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox({ port: 0, retryBaseMs: 20, maxDeliveryAttempts: 2, deliveryTimeoutMs: 5_000 });
    env.PAYBRIDGE_STRIPE_API_BASE = running.url;
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    env,
    sandbox: () => {
      if (!running) throw new Error('sandbox not started');
      return running;
    },
  };
}

/**
 * POST to the sandbox's control API. One retry on a reset socket: fetch reuses idle keep-alive
 * sockets that the server may close at the same moment (Node's 5 s keepAliveTimeout race).
 */
export async function controlPost<T>(sandbox: RunningSandbox, path: string, body: unknown): Promise<T> {
  const send = () =>
    fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const response = await send().catch(() => send());
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function createAccount(sandbox: RunningSandbox): Promise<AccountCredentials> {
  return controlPost<AccountCredentials>(sandbox, '/_sandbox/accounts', {});
}

export async function createRestrictedKey(
  sandbox: RunningSandbox,
  accountId: string,
  permissions: string[],
  livemode = false,
): Promise<string> {
  return (await controlPost<{ key: string }>(sandbox, `/_sandbox/accounts/${accountId}/restricted_keys`, { permissions, livemode })).key;
}

/** Stripe's signature header for `body` at `timestamp` (seconds), one v1 per secret. */
export function stripeSignature(body: string, secrets: string[], timestamp: number): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(`${timestamp}.${body}`).digest('hex')}`)].join(',');
}

export function eventBody(id: string, created: number, livemode = false): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: null,
    created,
    livemode,
    type: 'customer.updated',
    data: { object: { id: 'cus_Rotation1', object: 'customer' } },
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
}
