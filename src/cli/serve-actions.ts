import cluster from 'node:cluster';
import { announceAdminToken } from '../auth/admin-token-notice';
import { buildContext } from '../bootstrap';
import { loadConfig } from '../config';
import { checkMasterKey } from '../crypto/master-key-check';
import type { AppContext } from '../context';
import { SHUTDOWN_DEADLINE_MS, startServer, type RunningServer } from '../server';
import { onShutdown, shutdown } from '../shutdown';
import { startSignalRelay, stopSignalRelay } from '../domain/signal-relay';
import { startWorkers } from '../workers';
import { createLogger, resolveLogFormat } from '../logger';
import { runWebCluster, webProcessesProblem } from '../web-cluster';
import { reportCliError } from './with-context';

export const serve = async (options: { webProcesses?: string } = {}) => {
  let ctx: AppContext | undefined;
  let server: RunningServer | undefined;
  try {
    const config = loadConfig(undefined, { PAYBRIDGE_WEB_PROCESSES: options.webProcesses });
    const problem = webProcessesProblem(config);
    if (problem) throw new Error(problem);
    // The primary only supervises; each forked process runs this same command and lands below.
    if (config.webProcesses > 1 && cluster.isPrimary) {
      const format = resolveLogFormat(config.logFormat, process.stdout.isTTY === true);
      process.exit(await runWebCluster(config, createLogger({ level: config.logLevel, format })));
    }
    ctx = await buildContext(config, { collectDefaultMetrics: true, processRole: config.role });
    // A key that does not open the stored secrets would refuse every webhook: refuse to start instead.
    const key = await checkMasterKey(ctx);
    if (!key.ok) throw new Error(key.message);
    // Every check that can refuse this start runs before the admin token is generated: a second
    // server on the same data directory, then the port.
    if (config.role !== 'worker') {
      await ctx.store.embedded?.claimServer();
      server = await startServer(ctx, { host: config.host, port: config.port });
    }
    // Other processes' commits (jobs queued, connections changed) reach this one through LISTEN.
    // Only once nothing can refuse the start: its open connection would keep a refused process alive.
    const listening = ctx;
    startSignalRelay(listening);
    onShutdown(listening, () => stopSignalRelay(listening));
    await announceAdminToken(ctx, { stdout: process.stdout, stderr: process.stderr });
    const storage = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.dataDir}/postgres`;
    const stripeApi = config.stripeApiBase ? `the sandbox at ${config.stripeApiBase}` : 'Stripe (api.stripe.com)';
    const workers = config.role === 'web' ? undefined : startWorkers(ctx);
    // The banner, once: a readable line on a terminal, the same facts as one JSON log line otherwise.
    const banner = server ? `Paybridge is running at ${server.url} (dashboard: ${server.url}/)` : 'Paybridge worker is running';
    const facts = { url: server?.url, storage, stripe_api: stripeApi, data_dir: config.dataDir, role: config.role };
    if (resolveLogFormat(config.logFormat, process.stdout.isTTY === true) === 'pretty')
      process.stdout.write(
        `${banner}\n  storage: ${storage}\n  Stripe API: ${stripeApi}\n  data directory: ${config.dataDir}\n  role: ${config.role}\n`,
      );
    // At info whatever PAYBRIDGE_LOG_LEVEL says: the operator (and a supervisor waiting for it) must see it.
    else ctx.logger.child({}, { level: 'info' }).info(facts, banner);
    const running = ctx;
    let stopping = false;
    const stop = async () => {
      // SIGINT from a terminal reaches every process of a cluster, and its primary then sends SIGTERM.
      if (stopping) return;
      stopping = true;
      // The server closes every socket by SHUTDOWN_DEADLINE_MS; workers and hooks get as long
      // again. Past that something is stuck, and a process that will not stop is worse.
      const watchdog = setTimeout(() => {
        running.logger.error({ deadlineMs: 3 * SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
        process.exit(1);
      }, 3 * SHUTDOWN_DEADLINE_MS);
      watchdog.unref();
      await server?.close();
      await workers?.stop();
      await shutdown(running);
      // Leaves the embedded PostgreSQL, and stops it when no other process on the data dir uses it.
      await running.store.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    await server?.close().catch(() => undefined);
    if (ctx) await stopSignalRelay(ctx);
    await ctx?.store.close().catch(() => undefined);
    reportCliError(error);
    // A forked web process stays alive through its channel to the primary: leave, so the primary sees the failure.
    if (cluster.isWorker) process.exit();
  }
};
