import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./serve-actions')) => lazyAction(() => import('./serve-actions'), name);

export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run Paybridge: API, webhook receiver, dashboard and workers (per PAYBRIDGE_ROLE)')
    .option(
      '--web-processes <count>',
      'processes serving the port (node:cluster; PAYBRIDGE_WEB_PROCESSES). Needs PAYBRIDGE_DATABASE_URL; each runs PAYBRIDGE_ROLE (web, or all)',
    )
    .action(run('serve'));
}
