import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import type { AppContext } from '../../src/context';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { createApp } from '../../src/http/app';
import { shutdown } from '../../src/shutdown';
import { createLogger } from '../../src/logger';
import type { StoreKind } from '../../src/store/database';
import { STORE_KINDS, openTestStore, type HarnessKind, type TestStore } from './test-store';

export const ADMIN_TOKEN = 'pb_admin_test_token_0123456789abcdef';

/** Everything a test needs: a wired context on a fresh store, the app, and every log line written. */
export interface TestHarness {
  readonly kind: StoreKind;
  readonly ctx: AppContext;
  readonly store: TestStore;
  readonly app: ReturnType<typeof createApp>;
  readonly logLines: string[];
  /** Moves the context's clock (signature tolerance, secret overlaps, retries); null = real time. */
  setNow(date: Date | null): void;
  /** JSON request against the app with the admin token unless `token` says otherwise (null = none). */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Every log line of every harness in this test file, for the "no secret in logs" checks. */
export const allLogLines: string[] = [];

export async function createHarness(storeKind: HarnessKind = 'postgres', env: Record<string, string> = {}): Promise<TestHarness> {
  const kind: StoreKind = 'postgres';
  const store = await openTestStore(storeKind);
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const line = chunk.toString();
      logLines.push(line);
      allLogLines.push(line);
      done();
    },
  });
  const config = loadConfig({
    PAYBRIDGE_MASTER_KEY: generateMasterKey(),
    PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
    PAYBRIDGE_PUBLIC_URL: 'http://127.0.0.1:8080',
    PAYBRIDGE_DATA_DIR: '/nonexistent-test-data-dir',
    PAYBRIDGE_LOG_LEVEL: 'debug',
    // Nothing in a test may reach the real Stripe: unless a test points at its sandbox, Stripe calls
    // go to a closed loopback port and fail fast.
    PAYBRIDGE_STRIPE_API_BASE: 'http://127.0.0.1:9',
    // Tests call the API back to back with one token; the per-key limits have tests of their own
    // (test/api/key-limits.test.ts, and the load test runs a server with the defaults).
    PAYBRIDGE_API_RATE_PER_KEY: '100000',
    PAYBRIDGE_API_CONCURRENCY_PER_KEY: '1000',
    ...env,
  });
  const built = await buildContext(config, { store, logger: createLogger({ level: 'debug', destination }) });
  let fixedNow: Date | null = null;
  const ctx: AppContext = { ...built, now: () => fixedNow ?? new Date() };
  const { ensureAdminToken } = await import('../../src/auth/admin-token');
  await ensureAdminToken(ctx);
  const app = createApp(ctx);
  return {
    kind,
    ctx,
    store,
    app,
    logLines,
    setNow(date) {
      fixedNow = date;
    },
    async api(method, path, body, token = ADMIN_TOKEN) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await app.request(path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await responseBody(response) };
    },
    close: async () => {
      await shutdown(ctx);
      await store.close();
    },
  };
}

/** The answer's JSON, or its text when it is not JSON (so a test can show what came back). */
export async function responseBody(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Runs a describe block with its own fresh harness on a scratch PostgreSQL database. It ran once per
 * store while the embedded store was PGlite; with one engine it runs once (STORE_KINDS), and keeps
 * its name and signature for the tests written against it.
 */
export function describeEachStore(name: string, body: (h: () => TestHarness) => void, env: Record<string, string> = {}): void {
  for (const kind of STORE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let harness: TestHarness | undefined;
      beforeAll(async () => {
        harness = await createHarness(kind, env);
      });
      afterAll(async () => {
        await harness?.close();
      });
      body(() => {
        if (!harness) throw new Error('harness not ready');
        return harness;
      });
    });
  }
}
