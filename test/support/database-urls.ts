/** The server on which tests create (and drop) one scratch database per test file. */
export function testDatabaseAdminUrl(): string {
  return process.env.PAYBRIDGE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testDatabaseUrl(databaseName: string): string {
  const url = new URL(testDatabaseAdminUrl());
  url.pathname = `/${databaseName}`;
  return url.toString();
}
