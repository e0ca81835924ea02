import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./migrate-embedded-actions')) => lazyAction(() => import('./migrate-embedded-actions'), name);

export function registerMigrateEmbeddedCommand(program: Command): void {
  program
    .command('migrate-embedded')
    .description('copy the data of an earlier version (data/pglite) into the embedded PostgreSQL, once')
    .action(run('migrateEmbedded'));
}
