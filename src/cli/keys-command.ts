import { Option, type Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./keys-actions')) => lazyAction(() => import('./keys-actions'), name);

export function registerKeysCommands(program: Command): void {
  program
    .command('keys')
    .description('master key management')
    .command('rotate-master')
    .description('re-encrypt every stored secret under a new master key, in one transaction')
    .option('--new-key-stdin', 'read the new key (32 bytes, base64) from stdin; or set PAYBRIDGE_NEW_MASTER_KEY; generated when neither')
    // Kept only to refuse it with directions: a key on the command line leaks through history and ps.
    .addOption(new Option('--new-key <base64>').hideHelp())
    .action(run('rotateMaster'));
}
