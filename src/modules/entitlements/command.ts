import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

/** `paybridge entitlements check`: the same answer as the API's check; exit code 0 when granted, 3 when not. */
export function registerEntitlementCommands(program: Command): void {
  const entitlements = program.command('entitlements').description("what a tenant's customers may do");
  entitlements
    .command('check')
    .description('may this customer use this key? prints the answer with its reason; exit code 3 when not granted')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--customer <customer>', 'cust_… or ext:{external_id}')
    .requiredOption('--key <key>', 'the entitlement key, such as pro or jobs.post')
    .option('--json', 'print JSON')
    .action(run('check'));
}
