import { serve, type ServerType } from '@hono/node-server';
import { ensureAdminToken } from './auth/admin-token';
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
    server.once('error', reject);
  });
}

/** Prints the admin token exactly once, on the start that generated it. */
export async function announceAdminToken(ctx: AppContext, print: (line: string) => void): Promise<void> {
  const { generatedToken } = await ensureAdminToken(ctx);
  if (generatedToken) {
    print('');
    print('  Admin token (shown once — store it now; only its hash is kept):');
    print(`  ${generatedToken}`);
    print('');
  }
}
