import type { Command } from 'commander';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./tenants-actions')) => lazyAction(() => import('./tenants-actions'), name);

export function registerTenantCommands(program: Command): void {
  const tenants = program.command('tenants').description('create, list, rename and delete tenants');
  tenants
    .command('create')
    .description('create a tenant')
    .requiredOption('--name <name>', "the tenant's display name")
    .option('--json', 'print JSON')
    .action(run('create'));
  tenants
    .command('list')
    .description('list tenants, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(run('list'));
  tenants
    .command('rename')
    .description('rename a tenant')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--name <name>', 'the new display name (1 to 200 characters)')
    .option('--json', 'print JSON')
    .action(run('rename'));
  tenants
    .command('delete')
    .description('delete a tenant: refused while it has connected connections or open invoices; its history is kept')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--yes', 'confirm; without it, only say what deleting would do')
    .action(run('delete'));

  const apiKeys = program.command('api-keys').description('tenant-scoped API keys: create, list, revoke');
  apiKeys
    .command('create')
    .description('create an API key for a tenant; the key is printed once')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--name <name>', 'a name to tell the key apart, such as "billing backend"')
    .action(run('createKey'));
  apiKeys
    .command('list')
    .description("list a tenant's API keys (never the keys themselves)")
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('listKeys'));
  apiKeys
    .command('revoke')
    .description('revoke an API key at once (its dashboard sessions end too)')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--key <key_id>', 'the key id (key_…), from api-keys list')
    .action(run('revokeKey'));
}
