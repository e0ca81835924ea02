import type { Command } from 'commander';
import { buildContext } from '../bootstrap';
import { loadConfig } from '../config';
import { announceAdminToken, startServer } from '../server';
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
        const server = await startServer(ctx, { host: config.host, port: config.port });
        const storage = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
        ctx.logger.info({ url: server.url, storage, role: config.role }, 'Paybridge is running');
        process.stdout.write(`Paybridge is running at ${server.url} (dashboard: ${server.url}/) — storage: ${storage}\n`);
        const stop = async () => {
          await server.close();
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
