import { ensureAdminToken } from '../../src/auth/admin-token';
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { startSignalRelay, stopSignalRelay } from '../../src/domain/signal-relay';
import { startServer } from '../../src/server';
import { startWorkers } from '../../src/workers';

// Paybridge as `npm start` runs it (same bootstrap, same defaults), configured by the PAYBRIDGE_*
// environment the bench passes; port 0 so runs never collide. PAYBRIDGE_ROLE=web serves without workers.
const config = loadConfig({ ...process.env, PAYBRIDGE_PORT: '0' });
const ctx = await buildContext(config, { collectDefaultMetrics: true });
await ensureAdminToken(ctx);
const server = await startServer(ctx, { host: '127.0.0.1', port: 0 });
// As `paybridge serve` does: other processes' commits (a separate worker's) reach this one through LISTEN.
startSignalRelay(ctx);
const workers = config.role === 'web' ? undefined : startWorkers(ctx, { maintenance: false });
process.stdout.write(`BENCH_READY ${JSON.stringify({ url: server.url })}\n`);

let stopping = false;
process.once('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  ctx.bus.emit('close');
  server.server.close();
  (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  await workers?.stop();
  await stopSignalRelay(ctx);
  await ctx.store.close();
  process.exit(0);
});
