import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * One request header, read from Node's own header object when @hono/node-server serves the request.
 * `c.req.header()` builds a WHATWG Headers copy of every header first, a cost each API request paid
 * a few times over (auth, request id, content type); `app.request()` in tests has no Node request
 * and takes the standard path. Repeated headers are joined with ", " as Headers would.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.headers !== 'object') return c.req.header(name);
  const value = incoming.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
