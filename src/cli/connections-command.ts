import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./connections-actions')) => lazyAction(() => import('./connections-actions'), name);

export function registerConnectionCommands(program: Command): void {
  const connections = program.command('connections').description("connect and manage tenants' Stripe accounts");

  connections
    .command('add')
    .description('connect a Stripe account (one mode) to a tenant')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--name <name>', 'a name for the connection')
    .requiredOption('--secret-key <key>', 'secret key (sk_…) or restricted key (rk_…)')
    .option('--publishable-key <key>', 'publishable key (pk_…)')
    .option('--webhook-secret <whsec>', 'signing secret of an endpoint you created yourself (manual setup)')
    .option('--account-id <acct>', 'Stripe account id (acct_…)')
    .option('--manual', 'do not register the webhook endpoint; print what to paste into Stripe instead')
    .option('--features <list>', 'comma-separated features (default: all)')
    .option('--environment <label>', 'free label such as stage or production')
    .option('--json', 'print JSON')
    .action(run('add'));

  connections
    .command('list')
    .description("list a tenant's connections")
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('list'));

  connections
    .command('show <connection_id>')
    .description('show one connection, its webhook URL and what needs attention')
    .option('--json', 'print JSON')
    .action(run('show'));

  connections
    .command('update <connection_id>')
    .description('rename, rotate the API key or signing secret, or change features')
    .option('--name <name>')
    .option('--secret-key <key>', 'a new secret or restricted key (replaces the old one once it validates)')
    .option('--webhook-secret <whsec>', 'a new signing secret (the old one keeps working for the overlap)')
    .option('--features <list>', 'comma-separated features')
    .option('--json', 'print JSON')
    .action(run('update'));

  connections
    .command('check <connection_id>')
    .description('re-run the key check, the permission preflight and the webhook endpoint drift check')
    .option('--json', 'print JSON')
    .action(run('check'));

  connections
    .command('repair <connection_id>')
    .description('restore the webhook endpoint Paybridge manages (recreates it if it was deleted in Stripe)')
    .option('--json', 'print JSON')
    .action(run('repair'));

  connections
    .command('disable <connection_id>')
    .description('pause processing; events are kept as paused')
    .option('--json')
    .action(run('disable'));
  connections
    .command('enable <connection_id>')
    .description('resume processing, paused events included')
    .option('--json')
    .action(run('enable'));

  connections
    .command('remove <connection_id>')
    .description('disconnect: stop accepting events for it, keep its history')
    .option('--json', 'print JSON')
    .action(run('remove'));
}
