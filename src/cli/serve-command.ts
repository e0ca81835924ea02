import type { Command } from 'commander';
import { buildContext } from '../bootstrap';
import { loadConfig } from '../config';
import { SHUTDOWN_DEADLINE_MS, announceAdminToken, startServer } from '../server';
import { shutdown } from '../shutdown';
import { startWorkers } from '../workers';
import { reportCliError } from './with-context';

export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run Paybridge: API, webhook receiver, dashboard and workers (per PAYBRIDGE_ROLE)')
    .action(async () => {
      try {
        const config = loadConfig();
        const ctx = await buildContext(config, { collectDefaultMetrics: true });
        await announceAdminToken(ctx, (line) => process.stdout.write(`${line}\n`));
        const storage = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
        const server = config.role === 'worker' ? undefined : await startServer(ctx, { host: config.host, port: config.port });
        const workers = config.role === 'web' ? undefined : startWorkers(ctx);
        ctx.logger.info({ url: server?.url, storage, role: config.role }, 'Paybridge is running');
        process.stdout.write(
          server
            ? `Paybridge is running at ${server.url} (dashboard: ${server.url}/) — storage: ${storage}, role: ${config.role}\n`
            : `Paybridge worker is running — storage: ${storage}\n`,
        );
        const stop = async () => {
          // The server closes every socket by SHUTDOWN_DEADLINE_MS; workers and hooks get as long
          // again. Past that something is stuck, and a process that will not stop is worse.
          const watchdog = setTimeout(() => {
            ctx.logger.error({ deadlineMs: 3 * SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
            process.exit(1);
          }, 3 * SHUTDOWN_DEADLINE_MS);
          watchdog.unref();
          await server?.close();
          await workers?.stop();
          await shutdown(ctx);
          await ctx.store.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        reportCliError(error);
      }
    });
}
