import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

/** `paybridge customers show`: a customer with its subscriptions and what it may do now. */
export function registerCustomerCommands(program: Command): void {
  const customers = program.command('customers').description("a tenant's customers");
  customers
    .command('show')
    .description('show a customer, its subscriptions and its current entitlements')
    .argument('<customer>', 'cust_… or ext:{external_id}')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('show'));
}
