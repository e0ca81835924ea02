import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./sandbox-actions')) => lazyAction(() => import('./sandbox-actions'), name);

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the local Stripe stand-in (API under /v1, control API under /_sandbox) for tests, demos and offline work')
    .option('--port <port>', 'port to listen on', '12111')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(run('sandbox'));
}
