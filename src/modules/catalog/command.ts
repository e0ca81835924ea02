import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

/**
 * `paybridge catalog import --connection conn_…`: starts the import (or joins the one under way), runs
 * the job runner in this process until it ends, and draws its progress. A running server's runner
 * may claim the job first; the lease keeps it to one runner, and this command then only watches.
 */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description("the connected account's products and prices");
  catalog
    .command('import')
    .description('import every product and price from Stripe (resumable; a second run changes nothing)')
    .requiredOption('--connection <connection_id>', 'the connection whose Stripe catalog to import')
    .action(run('importCatalog'));
}
