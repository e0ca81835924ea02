import { serve, type ServerType } from '@hono/node-server';
import type { AppContext } from './context';
import { createApp } from './http/app';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: ServerType;
  close(): Promise<void>;
}

/** Serves the app for this context; `port: 0` picks a free port (tests). */
export async function startServer(ctx: AppContext, options: { host: string; port: number }): Promise<RunningServer> {
  const app = createApp(ctx);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    // Idle keep-alive sockets stay open longer than clients' and load balancers' idle timeouts
    // (undici 4 s, typical LBs 60 s), so the server is never the side that closes a socket a client
    // is about to reuse.
    (server as import('node:http').Server).keepAliveTimeout = 65_000;
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(options) : error));
  });
}

function portInUse(options: { host: string; port: number }): Error {
  return new Error(
    `Port ${options.port} on ${options.host} is already in use (PAYBRIDGE_PORT=${options.port}). Stop the program listening there ` +
      '(another Paybridge?), or set PAYBRIDGE_PORT to a free port.',
  );
}
