// Runs once before the suite: fails early, with the fix, when PostgreSQL is not reachable,
// because half of every storage test runs against it.
import pg from 'pg';
import { testDatabaseAdminUrl } from './database-urls';

export default async function checkPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseAdminUrl() });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${testDatabaseAdminUrl()} (${(error as Error).message}). ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
        'or point PAYBRIDGE_TEST_DATABASE_URL at a server the tests may create databases on.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
