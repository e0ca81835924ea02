import type Stripe from 'stripe';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { startServer, type RunningServer } from '../../src/server';
import { JobRunner } from '../../src/jobs/runner';
import { EventWorker } from '../../src/webhooks/worker';
import { createHarness, type TestHarness } from '../support/test-context';
import type { StoreKind } from '../../src/store/database';
import { freePort } from '../support/free-port';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface RunningSmtp {
  url: string;
  messages: ReceivedMail[];
  /** The next `n` messages are refused with a temporary failure (451), to exercise retries. */
  failNext(n: number): void;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 with an ephemeral port, keeping what it receives. */
export async function startSmtp(): Promise<RunningSmtp> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const error = new Error('Temporary local problem, try again later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One sandbox per test file (127.0.0.1, free port, fast retries). */
export function useSandbox(): () => RunningSandbox {
  let running: RunningSandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox({ port: 0, retryBaseMs: 20, maxDeliveryAttempts: 4, deliveryTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await running?.close();
  });
  return () => {
    if (!running) throw new Error('sandbox not started');
    return running;
  };
}

export interface BillingWorld {
  h: TestHarness;
  server: RunningServer;
  worker: EventWorker;
  jobs: JobRunner;
  close(): Promise<void>;
}

/**
 * Paybridge as Stripe sees it: a harness on a fresh store whose public URL is a real HTTP server on
 * 127.0.0.1, talking to the sandbox, with an event worker and a job runner the test drives by hand.
 */
export async function startBillingWorld(kind: StoreKind, sandbox: RunningSandbox, env: Record<string, string> = {}): Promise<BillingWorld> {
  const port = await freePort();
  const h = await createHarness(kind, {
    PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
    PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    PAYBRIDGE_LOG_LEVEL: 'warn',
    ...env,
  });
  const server = await startServer(h.ctx, { host: '127.0.0.1', port });
  const worker = new EventWorker(h.ctx, { retry: { baseMs: 10, maxMs: 50, maxAttempts: 5 } });
  const jobs = new JobRunner(h.ctx);
  return {
    h,
    server,
    worker,
    jobs,
    async close() {
      await jobs.stop();
      await server.close();
      await h.close();
    },
  };
}

export async function createTenant(h: TestHarness, name = 'Acme Ltd'): Promise<string> {
  const response = await h.api('POST', '/api/v1/tenants', { name });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

/** Connects the sandbox account with webhook_setup "auto": Paybridge registers its endpoint itself. */
export async function connectAuto(
  h: TestHarness,
  tenantId: string,
  account: AccountCredentials,
): Promise<{ id: string; endpointId: string }> {
  const response = await h.api('POST', `/api/v1/tenants/${tenantId}/connections`, {
    name: 'Sandbox',
    secret_key: account.secret_key,
    webhook_setup: 'auto',
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.webhook_endpoint?.id).toMatch(/^we_/);
  return { id: response.body.id, endpointId: response.body.webhook_endpoint.id };
}

export function invoiceBody(connectionId: string, overrides: Record<string, unknown> = {}) {
  return {
    connection_id: connectionId,
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    currency: 'usd',
    lines: [
      { description: 'Consulting', quantity: 2, unit_amount: 750 },
      { description: 'Setup fee', quantity: 1, unit_amount: 500 },
    ],
    ...overrides,
  };
}

/** Pays a payment link through the sandbox's control API, like a customer on the hosted page. */
export async function payLink(
  sandbox: RunningSandbox,
  linkId: string,
  body: Record<string, unknown> = { card: '4242424242424242' },
): Promise<any> {
  const response = await fetch(`${sandbox.url}/_sandbox/payment_links/${linkId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`pay ${linkId}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * fetch() keeps sockets alive; after a long pause (an embedded store compiling its WASM blocks the
 * event loop) the first reuse can meet a socket the sandbox already closed. Control calls that are
 * safe to repeat retry once on such a network error.
 */
async function fetchRetryingStaleSocket(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return fetch(url, init);
  }
}

export async function createAccount(sandbox: RunningSandbox): Promise<AccountCredentials> {
  const response = await fetchRetryingStaleSocket(`${sandbox.url}/_sandbox/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return (await response.json()) as AccountCredentials;
}

export async function sandboxControl(sandbox: RunningSandbox, path: string, body: unknown): Promise<any> {
  const response = await fetchRetryingStaleSocket(`${sandbox.url}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Waits for the sandbox to finish delivering, then processes every stored event and due job. */
export async function settle(world: BillingWorld, sandbox: RunningSandbox): Promise<void> {
  expect(await sandbox.waitForDeliveries(15_000)).toBe(true);
  await world.worker.drain();
  await world.jobs.drain();
}

/** One tenant connected to one sandbox account, with its Stripe client: what module tests start from. */
export interface ConnectedWorld {
  world: BillingWorld;
  account: AccountCredentials;
  stripe: Stripe;
  tenantId: string;
  connectionId: string;
  /** A request to `/api/v1/tenants/{tenantId}{path}` with the admin token. */
  api: (method: string, path: string, body?: unknown) => ReturnType<TestHarness['api']>;
}

/**
 * Registers beforeAll/afterAll for a billing world with one connected tenant and the sandbox's chaos
 * settings on (`chaos`, e.g. every delivery twice and shuffled; none by default); afterwards the chaos
 * is switched off, including any a test set itself, so the next file starts from ordered delivery.
 * Read the world through the returned getter inside tests.
 */
export function useConnectedWorld(sandbox: () => RunningSandbox, chaos: Record<string, unknown> = {}): () => ConnectedWorld {
  let connected: ConnectedWorld | undefined;
  let world: BillingWorld | undefined;
  beforeAll(async () => {
    world = await startBillingWorld('postgres', sandbox(), { PAYBRIDGE_LOG_LEVEL: 'warn' });
    const h = world.h;
    const account = await createAccount(sandbox());
    const tenantId = await createTenant(h);
    const connectionId = (await connectAuto(h, tenantId, account)).id;
    await sandboxControl(sandbox(), '/chaos', chaos);
    connected = {
      world,
      account,
      stripe: sandbox().stripe(account.secret_key),
      tenantId,
      connectionId,
      api: (method, path, body) => h.api(method, `/api/v1/tenants/${tenantId}${path}`, body),
    };
  });
  afterAll(async () => {
    await sandboxControl(sandbox(), '/chaos', { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0, hold: [] });
    await world?.close();
  });
  return () => {
    if (!connected) throw new Error('useConnectedWorld: read the world inside a test, after beforeAll');
    return connected;
  };
}
