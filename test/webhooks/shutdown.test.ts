import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHUTDOWN_DEADLINE_MS } from '../../src/server';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';

const ADMIN = 'pb_admin_shutdown_token_0123456789abcdef';

/** Opens a request and sends its body one byte every `everyMs`, like a stalled or hostile client. */
function trickle(url: string, path: string, everyMs: number, token?: string): { socket: Socket; closed: Promise<void>; stop(): void } {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  socket.on('error', () => undefined);
  const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${target.host}\r\n${auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
  const timer = setInterval(() => socket.write('{'), everyMs);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => clearInterval(timer));
  return { socket, closed, stop: () => (clearInterval(timer), socket.destroy()) };
}

describe('shutdown of a real process [postgres]', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('after SIGTERM, clients trickling a byte every second cannot keep the process alive past the deadline', async () => {
    const { connection } = await insertTestConnection(h);
    const paybridge = await startPaybridgeProcess({
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN,
      PAYBRIDGE_STRIPE_API_BASE: 'http://127.0.0.1:9',
    });
    // Authenticated, so the API really waits for the body rather than answering 401 at once.
    const clients = [
      trickle(paybridge.url, '/api/v1/tenants', 1_000, ADMIN),
      trickle(paybridge.url, `/webhooks/stripe/${connection.id}`, 1_000),
    ];
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const exited = new Promise<number | null>((resolve) => paybridge.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      paybridge.child.kill('SIGTERM');
      const outcome = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), SHUTDOWN_DEADLINE_MS + 15_000)),
      ]);
      expect(outcome, paybridge.output()).toBe(0);
      // Both trickling sockets were closed by the server, not left to their own timeouts.
      await Promise.all(clients.map((client) => client.closed));
      const tookMs = Date.now() - signalledAt;
      h.ctx.logger.info({ tookMs }, 'shutdown measured');
      expect(tookMs).toBeLessThan(SHUTDOWN_DEADLINE_MS + 15_000);
    } finally {
      for (const client of clients) client.stop();
      if (paybridge.child.exitCode === null) paybridge.child.kill('SIGKILL');
    }
  }, 60_000);
});
