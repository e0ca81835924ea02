import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { openStore } from '../../src/store/database';
import { spawnServer, type ChildServer } from './child';
import { scratchDatabase } from './postgres';

export type StoreChoice = 'postgres' | 'embedded';

export interface RunningPaybridge {
  readonly child: ChildServer;
  readonly store: StoreChoice;
  /** The Paybridge data directory (the embedded PostgreSQL lives in its `postgres/`). */
  readonly dataDir: string;
  /** The admin token `api` sends, for callers that make their own requests (long-polls). */
  readonly adminToken: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** A tenant and a manual-setup connection whose signing secret is `secret`. */
  readonly databaseUrl: string | undefined;
  connect(sandboxSecretKey: string, secret?: string): Promise<{ tenantId: string; connectionId: string; secret: string }>;
  /** Stops the process and returns how many of `ids` are stored for the connection, and how many rows it has. */
  stopAndCount(connectionId: string, ids: readonly string[]): Promise<{ missing: number; rows: number; duplicates: number }>;
  /** Stops the process (if running) and deletes its database or data directory. */
  dispose(): Promise<void>;
}

/** Starts Paybridge in a child process on a scratch PostgreSQL database or a fresh embedded data directory. */
export async function startPaybridge(options: {
  store: StoreChoice;
  sandboxUrl: string;
  role?: 'all' | 'web';
  cpuProfDir?: string;
  env?: Record<string, string>;
}): Promise<RunningPaybridge> {
  const adminToken = `pb_admin_bench_${randomBytes(16).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'paybridge-bench-'));
  const database = options.store === 'postgres' ? await scratchDatabase('pb_bench') : undefined;
  const child = await spawnServer('bench/servers/paybridge.ts', {
    label: `paybridge (${options.store})`,
    cpuProfDir: options.cpuProfDir,
    env: {
      PAYBRIDGE_DATABASE_URL: database?.url,
      PAYBRIDGE_DATA_DIR: dataDir,
      PAYBRIDGE_MASTER_KEY: generateMasterKey(),
      PAYBRIDGE_ADMIN_TOKEN: adminToken,
      PAYBRIDGE_STRIPE_API_BASE: options.sandboxUrl,
      PAYBRIDGE_PUBLIC_URL: 'http://127.0.0.1:8080',
      PAYBRIDGE_ROLE: options.role ?? 'web',
      PAYBRIDGE_LOG_LEVEL: 'info',
      ...options.env,
    },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${child.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed as any };
  };
  let disposed = false;
  return {
    child,
    store: options.store,
    dataDir,
    adminToken,
    databaseUrl: database?.url,
    api,
    async connect(sandboxSecretKey, chosenSecret) {
      const tenant = await api('POST', '/api/v1/tenants', { name: 'Bench tenant' });
      if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
      const secret = chosenSecret ?? `whsec_${randomBytes(16).toString('hex')}`;
      const connection = await api('POST', `/api/v1/tenants/${tenant.body.id}/connections`, {
        name: 'Bench',
        secret_key: sandboxSecretKey,
        webhook_setup: 'manual',
        webhook_secret: secret,
      });
      if (connection.status !== 201) throw new Error(`connection: ${connection.status} ${JSON.stringify(connection.body)}`);
      return { tenantId: tenant.body.id as string, connectionId: connection.body.id as string, secret };
    },
    async stopAndCount(connectionId, ids) {
      await child.stop();
      // On the embedded store this joins (restarts) the data directory's PostgreSQL, and stops it on close.
      const store = await openStore(database ? { databaseUrl: database.url, poolSize: 1 } : { dataDir, poolSize: 1 });
      try {
        const rows = await store.db.selectFrom('events').select(['stripe_event_id']).where('connection_id', '=', connectionId).execute();
        const stored = new Map<string, number>();
        for (const row of rows) stored.set(row.stripe_event_id, (stored.get(row.stripe_event_id) ?? 0) + 1);
        let missing = 0;
        let duplicates = 0;
        for (const id of ids) {
          const count = stored.get(id) ?? 0;
          if (count === 0) missing += 1;
          if (count > 1) duplicates += 1;
        }
        return { missing, rows: rows.length, duplicates };
      } finally {
        await store.close();
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await child.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
