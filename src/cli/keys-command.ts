import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./keys-actions')) => lazyAction(() => import('./keys-actions'), name);

export function registerKeysCommands(program: Command): void {
  program
    .command('keys')
    .description('master key management')
    .command('rotate-master')
    .description('re-encrypt every stored secret under a new master key, in one transaction')
    .option('--new-key <base64>', 'the new key (32 bytes, base64); generated when omitted')
    .action(run('rotateMaster'));
}
