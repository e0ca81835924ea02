import type { Command } from 'commander';
import { listTenants } from '../store/tenants';
import { printJson, printTable, withContext } from './with-context';
import { createTenant, mintApiKey } from '../services/tenant-service';

export function registerTenantCommands(program: Command): void {
  const tenants = program.command('tenants').description('create and list tenants');
  tenants
    .command('create')
    .description('create a tenant')
    .requiredOption('--name <name>', "the tenant's display name")
    .option('--json', 'print JSON')
    .action((options: { name: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const name = options.name.trim();
        if (!name) throw new Error('--name must not be empty');
        const tenant = await createTenant(ctx, name);
        if (options.json) printJson(tenant);
        else process.stdout.write(`created tenant ${tenant.id} (${tenant.name})\n`);
      }),
    );
  tenants
    .command('list')
    .description('list tenants, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action((options: { limit: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be a whole number from 1 to 1000');
        const rows = await listTenants(ctx.store.db, { limit });
        if (options.json) printJson(rows);
        else
          printTable(
            rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })),
            ['id', 'name', 'created_at'],
          );
      }),
    );

  program
    .command('api-keys')
    .description('tenant-scoped API keys')
    .command('create')
    .description('create an API key for a tenant; the key is printed once')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .action((options: { tenant: string }) =>
      withContext(async (ctx) => {
        const { id, key } = await mintApiKey(ctx, options.tenant);
        process.stdout.write(`created API key ${id} for ${options.tenant}; it is shown once:\n${key}\n`);
      }),
    );
}
