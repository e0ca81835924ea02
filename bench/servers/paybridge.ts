import cluster from 'node:cluster';
import { ensureAdminToken } from '../../src/auth/admin-token';
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { startSignalRelay, stopSignalRelay } from '../../src/domain/signal-relay';
import { createLogger } from '../../src/logger';
import { startServer } from '../../src/server';
import { runWebCluster } from '../../src/web-cluster';
import { startWorkers } from '../../src/workers';

// Paybridge as `npm start` runs it (same bootstrap, same defaults), configured by the PAYBRIDGE_*
// environment the bench passes; port 0 so runs never collide. PAYBRIDGE_ROLE=web serves without workers.
// PAYBRIDGE_WEB_PROCESSES=N runs the node:cluster primary of `serve --web-processes N`: its forked
// processes run this same script (and share the one random port), and it says ready once all serve.
const config = loadConfig({ ...process.env, PAYBRIDGE_PORT: '0' });
if (config.webProcesses > 1 && cluster.isPrimary) {
  const code = await runWebCluster(config, createLogger({ level: config.logLevel, destination: process.stderr as never }), {
    onAllServing: (port) => process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`),
  });
  process.exit(code);
}
const ctx = await buildContext(config, { collectDefaultMetrics: true });
await ensureAdminToken(ctx);
// A worker process serves nothing, as `serve` with PAYBRIDGE_ROLE=worker.
const server = config.role === 'worker' ? undefined : await startServer(ctx, { host: '127.0.0.1', port: 0 });
// As `paybridge serve` does: other processes' commits (a separate worker's) reach this one through LISTEN.
startSignalRelay(ctx);
const workers = config.role === 'web' ? undefined : startWorkers(ctx, { maintenance: false });
if (cluster.isPrimary) process.stdout.write(`BENCH_READY ${JSON.stringify({ url: server?.url ?? '' })}\n`);

let stopping = false;
process.once('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  ctx.bus.emit('close');
  server?.server.close();
  (server?.server as unknown as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
  await workers?.stop();
  await stopSignalRelay(ctx);
  await ctx.store.close();
  process.exit(0);
});
