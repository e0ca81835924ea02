/**
 * The server on which tests create (and drop) one scratch database per test file:
 * PAYBRIDGE_TEST_DATABASE_URL when set (global-setup.ts sets it to the embedded PostgreSQL when it
 * has to start one), else the system PostgreSQL on 127.0.0.1:5432.
 */
export function testDatabaseAdminUrl(): string {
  return process.env.PAYBRIDGE_TEST_DATABASE_URL ?? systemPostgresUrl();
}

/**
 * Where the suite looks for a running PostgreSQL before starting the embedded one. Pointing
 * PAYBRIDGE_TEST_SYSTEM_URL at a closed port (postgres://postgres@127.0.0.1:1/postgres) makes the
 * suite ignore the system server and run on the embedded PostgreSQL, as on a machine without one.
 */
export function systemPostgresUrl(): string {
  return process.env.PAYBRIDGE_TEST_SYSTEM_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testDatabaseUrl(databaseName: string): string {
  const url = new URL(testDatabaseAdminUrl());
  url.pathname = `/${databaseName}`;
  return url.toString();
}
