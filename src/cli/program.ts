import { Command } from 'commander';
import { registerConnectionCommands } from './connections-command';
import { registerKeysCommands } from './keys-command';
import { registerMigrateCommand } from './migrate-command';
import { registerServeCommand } from './serve-command';
import { registerTenantCommands } from './tenants-command';

/** The `paybridge` command line; every command has --help. Configuration comes from PAYBRIDGE_* variables. */
export function buildCli(): Command {
  const program = new Command('paybridge')
    .description('Paybridge — Stripe connections, webhooks and billing state for your platform\'s tenants')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerTenantCommands(program);
  registerConnectionCommands(program);
  registerKeysCommands(program);
  return program;
}
