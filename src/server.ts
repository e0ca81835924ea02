import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type ServerType } from '@hono/node-server';
import type { AppContext } from './context';
import { createApp } from './http/app';
import { webhookListener } from './http/webhook-listener';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: ServerType;
  /**
   * Stops accepting, closes idle sockets at once, lets requests in progress finish for up to
   * `deadlineMs` (default SHUTDOWN_DEADLINE_MS), then closes every socket still open.
   */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * How long a shutdown waits for requests in progress. Every answer Paybridge gives takes
 * milliseconds; a request still open after this is a stalled or hostile client, and waiting for it
 * would keep a stopping process (and a rolling deploy) alive for minutes.
 */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/** A whole request (headers and body) must arrive within this; Node's default is 5 minutes. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Headers must arrive within this (slowloris); Node's default is 1 minute. */
const HEADERS_TIMEOUT_MS = 10_000;

/** Serves the app for this context; `port: 0` picks a free port (tests). */
export async function startServer(ctx: AppContext, options: { host: string; port: number }): Promise<RunningServer> {
  const app = createApp(ctx);
  const webhook = webhookListener(ctx);
  const honoListener = getRequestListener(app.fetch, { hostname: options.host });
  return new Promise((resolve, reject) => {
    // Stripe's deliveries skip Hono (src/http/webhook-listener.ts); every other request reaches the app.
    const server = createServer((request, response) => {
      if (!webhook(request, response)) void honoListener(request, response);
    });
    server.listen(options.port, options.host, () => {
      const port = (server.address() as AddressInfo).port;
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      resolve({ url, port, server, close: (deadlineMs = SHUTDOWN_DEADLINE_MS) => closeWithDeadline(server, deadlineMs) });
    });
    // Idle keep-alive sockets stay open longer than clients' and load balancers' idle timeouts
    // (undici 4 s, typical LBs 60 s), so the server is never the side that closes a socket a client
    // is about to reuse.
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(options) : error));
  });
}

function closeWithDeadline(server: Server, deadlineMs: number): Promise<void> {
  return new Promise<void>((done) => {
    const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      done();
    });
    // Keep-alive sockets with no request in flight would otherwise hold close() until they time out.
    server.closeIdleConnections();
  });
}

function portInUse(options: { host: string; port: number }): Error {
  return new Error(
    `Port ${options.port} on ${options.host} is already in use (PAYBRIDGE_PORT=${options.port}). Stop the program listening there ` +
      '(another Paybridge?), or set PAYBRIDGE_PORT to a free port.',
  );
}
