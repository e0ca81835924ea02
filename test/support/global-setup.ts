// Runs once before the suite and finds the PostgreSQL the tests create their scratch databases on:
// PAYBRIDGE_TEST_DATABASE_URL if set, else the system server on 127.0.0.1:5432 if it answers, else
// the same embedded PostgreSQL `npm start` uses, started here in node_modules/.cache and stopped after
// the run. So `npm test` needs no system PostgreSQL, like `npm start`.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore } from '../../src/store/database';
import { joinCluster, type Membership } from '../../src/store/embedded/membership';
import { migrateOrThrow } from '../../src/store/migrations';
import { systemPostgresUrl, testDatabaseAdminUrl, testDatabaseUrl } from './database-urls';

const EMBEDDED_DIR = fileURLToPath(new URL('../../node_modules/.cache/paybridge-test-postgres', import.meta.url));

export default async function setup(): Promise<() => Promise<void>> {
  const stopPostgres = await findTestPostgres();
  const dropTemplate = await buildTemplateDatabase();
  return async () => {
    await dropTemplate();
    await stopPostgres?.();
  };
}

/**
 * Migrates one database per run that test databases are copied from (`create database … template`,
 * test-store.ts): a copy takes a fraction of the time of running every migration, graphile-worker's
 * included, for each test file. Built from this checkout's migrations, dropped after the run.
 */
async function buildTemplateDatabase(): Promise<() => Promise<void>> {
  const name = `pb_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const store = await openStore({ databaseUrl: testDatabaseUrl(name), poolSize: 1, ingestPoolSize: 1 });
  try {
    await migrateOrThrow(store.db);
  } finally {
    // A template must have no open connection while it is copied.
    await store.close();
  }
  // Vitest's workers, started after this, inherit it.
  process.env.PAYBRIDGE_TEST_TEMPLATE_DATABASE = name;
  return () => adminQuery(`drop database if exists ${name} with (force)`);
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

async function findTestPostgres(): Promise<(() => Promise<void>) | undefined> {
  const configured = process.env.PAYBRIDGE_TEST_DATABASE_URL;
  if (configured) {
    const problem = await probe(configured);
    if (problem)
      throw new Error(`PAYBRIDGE_TEST_DATABASE_URL does not answer (${problem}); fix it or unset it to use the embedded PostgreSQL.`);
    return undefined;
  }
  if (!(await probe(systemPostgresUrl()))) return undefined;
  const member: Membership = await joinCluster(EMBEDDED_DIR, 'test-suite');
  // Child processes (vitest's workers, the paybridge binaries tests spawn) inherit this.
  process.env.PAYBRIDGE_TEST_DATABASE_URL = `postgres://postgres:${member.password}@127.0.0.1:${member.port}/postgres`;
  process.stderr.write(`tests run on the embedded PostgreSQL in ${EMBEDDED_DIR} (nothing answered at ${systemPostgresUrl()})\n`);
  return async () => {
    await member.leave();
  };
}

/** Undefined when a query works there, else what went wrong. */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
