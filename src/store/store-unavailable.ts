/**
 * True for errors that mean "the database could not take this now" rather than "this request is
 * wrong": no pooled connection freed up in time, the server refused or dropped the connection, or it
 * is starting up or out of connections. Callers answer 503 with Retry-After for these, never 500.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '53300', '08006', '08001', '08003'].includes(code)
  )
    return true;
  // node-postgres reports a pool wait past connectionTimeoutMillis with these messages and no code.
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(error.message);
}
