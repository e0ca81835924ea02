import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store, type StoreKind } from '../../src/store/database';
import { testDatabaseAdminUrl, testDatabaseUrl } from './database-urls';

export const STORE_KINDS: StoreKind[] = ['postgres', 'pglite'];

export interface TestStore extends Store {
  /** The PostgreSQL URL of the scratch database (postgres kind only), for child processes. */
  readonly url?: string;
}

/**
 * A fresh, empty store per call: an in-memory PGlite, or a scratch PostgreSQL database with a random
 * name that `close()` drops. Tests never share state, even when files run in parallel.
 */
export async function openTestStore(kind: StoreKind, options: { poolSize?: number } = {}): Promise<TestStore> {
  if (kind === 'pglite') return openStore({ memory: true });
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
