import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyTokenHash } from '../../src/crypto/tokens';
import { insertApiKey } from '../../src/store/api-keys';
import type { Database } from '../../src/store/schema';
import { migrateUpTo } from '../../src/store/migrations';
import { putSetting } from '../../src/store/settings';
import { insertTenant } from '../../src/store/tenants';

/**
 * A data directory written by the PGlite versions (PGlite on `data/pglite`, through Kysely's PGlite
 * dialect and the same migrations, as `openStore` did) must not look empty after the upgrade: starts
 * refuse and name `paybridge migrate-embedded`, which copies every row into the embedded PostgreSQL.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'paybridge.js');
const ADMIN_TOKEN = 'pb_admin_from_the_pglite_days_0123456789';
const API_KEY = 'pb_key_from_the_pglite_days_0123456789ab';

let dataDir = '';
let tenantId = '';

function paybridge(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_') && value !== undefined) env[name] = value;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: root,
        env: { ...env, PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_PORT: '0', PAYBRIDGE_LOG_LEVEL: 'warn' },
        timeout: 120_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paybridge-pglite-'));
  const client = new PGlite(join(dataDir, 'pglite'));
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  // The newest level before the job queue moved to graphile-worker, whose schema only a PostgreSQL
  // server gets (PGlite versions of Paybridge ended at 0008; later levels copy the same way).
  await migrateUpTo(db, '0050-token-hash-keys');
  tenantId = (await insertTenant(db, 'Trial Tenant')).id;
  await insertApiKey(db, { tenantId, tokenHash: legacyTokenHash(API_KEY), hint: 'pb_key_…89ab' });
  await putSetting(db, 'admin_token_hash', legacyTokenHash(ADMIN_TOKEN));
  await db.destroy();
}, 180_000); // PGlite's first open runs initdb in WebAssembly: slow on a busy machine

afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('upgrading a PGlite data directory to the embedded PostgreSQL', { timeout: 180_000 }, () => {
  it('refuses to start on it, naming the command, and generates no admin token', async () => {
    const start = await paybridge(['serve']);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('npx paybridge migrate-embedded');
    expect(start.stderr).toContain(join(dataDir, 'pglite'));
    expect(start.stdout + start.stderr).not.toMatch(/pb_admin_/);
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
    const command = await paybridge(['tenants', 'list']);
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('migrate-embedded');
  });

  it('copies every row with migrate-embedded, keeps the old directory, and the old tokens keep working', async () => {
    const migrated = await paybridge(['migrate-embedded']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/tenants: 1 row/);
    expect(migrated.stdout).toMatch(/api_keys: 1 row/);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(readdirSync(dataDir).some((name) => name.startsWith('pglite.migrated-'))).toBe(true);

    const listed = await paybridge(['tenants', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(tenantId);
    expect(listed.stdout).toContain('Trial Tenant');

    // The copied admin token hash and API key authenticate against a server on the new store.
    const { startPaybridgeProcess } = await import('../support/paybridge-process');
    const env: Record<string, string> = { PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_DATABASE_URL: '', PAYBRIDGE_ADMIN_TOKEN: '' };
    const server = await startPaybridgeProcess(env);
    try {
      const asAdmin = await fetch(`${server.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(asAdmin.status).toBe(200);
      const asTenant = await fetch(`${server.url}/api/v1/tenants/${tenantId}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      expect(asTenant.status).toBe(200);
      expect(server.output()).not.toMatch(/admin token was written/);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }

    const again = await paybridge(['migrate-embedded']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no PGlite data directory');
  });
});
