import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store, type StoreKind } from '../../src/store/database';
import { testDatabaseAdminUrl, testDatabaseUrl } from './database-urls';

/**
 * One engine: the embedded store is the same PostgreSQL as production, so storage tests run once.
 * What a second run would still buy (another PostgreSQL major: CI's system server is 15, the embedded
 * one 18) is covered by running the whole suite on either server (see global-setup.ts), not twice.
 */
export const STORE_KINDS: StoreKind[] = ['postgres'];

/** Earlier branches name the PGlite kind; it now means the one PostgreSQL store (removable once merged). */
export type HarnessKind = StoreKind | 'pglite';

export interface TestStore extends Store {
  /** The PostgreSQL URL of the scratch database, for child processes. */
  readonly url?: string;
}

/**
 * A fresh, empty store per call: a scratch PostgreSQL database with a random name that `close()`
 * drops. Tests never share state, even when files run in parallel.
 */
export async function openTestStore(_kind: HarnessKind = 'postgres', options: { poolSize?: number } = {}): Promise<TestStore> {
  const name = `pb_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
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
