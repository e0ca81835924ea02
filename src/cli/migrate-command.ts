import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./migrate-actions')) => lazyAction(() => import('./migrate-actions'), name);

export function registerMigrateCommand(program: Command): void {
  program.command('migrate').description('apply pending database migrations (serve also does this at start)').action(run('migrate'));
}
