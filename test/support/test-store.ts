import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreKind } from '../../src/store/database';
import { stopCluster } from '../../src/store/embedded/cluster';
import { testDatabaseAdminUrl, testDatabaseUrl } from './database-urls';

/**
 * One engine: the embedded store is the same PostgreSQL as production, so storage tests run once.
 * What a second run would still buy (another PostgreSQL major: CI's system server is 15, the embedded
 * one 18) is covered by running the whole suite on either server (see global-setup.ts), not twice.
 */
export const STORE_KINDS: StoreKind[] = ['postgres'];

/**
 * 'embedded': the embedded PostgreSQL of a fresh data directory, as `npm start` runs it (for tests
 * whose child processes use that data directory).
 */
export type HarnessKind = StoreKind | 'embedded';

export interface TestStore extends Store {
  /** The PostgreSQL URL of the scratch database, for child processes (not on the embedded kind). */
  readonly url?: string;
  /** The Paybridge data directory whose embedded PostgreSQL this is (embedded kind only). */
  readonly dataDir?: string;
}

/**
 * A fresh store per call: a scratch PostgreSQL database with a random name that `close()` drops.
 * Tests never share state, even when files run in parallel. It is a copy of the run's migrated
 * template database (global-setup.ts) unless `empty` asks for no schema at all (migration tests).
 */
export async function openTestStore(
  kind: HarnessKind = 'postgres',
  options: { poolSize?: number; empty?: boolean } = {},
): Promise<TestStore> {
  if (kind === 'embedded') return openEmbeddedTestStore(options.poolSize);
  const name = `pb_test_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? undefined : process.env.PAYBRIDGE_TEST_TEMPLATE_DATABASE;
  await adminQuery(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = testDatabaseUrl(name);
  const store = await openStore({ databaseUrl: url, poolSize: options.poolSize });
  return {
    ...store,
    url,
    async close() {
      await store.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseAdminUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function openEmbeddedTestStore(poolSize: number | undefined): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paybridge-embedded-test-'));
  const store = await openStore({ dataDir, poolSize, role: 'test' });
  return {
    ...store,
    dataDir,
    async close() {
      await store.close();
      // A test that killed processes (even PostgreSQL) may leave the cluster without members to stop it.
      if (existsSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'))) await stopCluster(dataDir).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
