import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./demo-actions')) => lazyAction(() => import('./demo-actions'), name);

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the Stripe sandbox and Paybridge with a demo tenant and an open invoice to pay; Ctrl-C stops both')
    .option('--port <port>', 'port for Paybridge (0: any free port)', '0')
    .option('--data-dir <dir>', 'keep the demo data here (default: a temporary directory removed at the end)')
    .action(run('demo'));
}
