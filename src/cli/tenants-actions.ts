import { createApiKey, listApiKeys, revokeTenantApiKey } from '../services/api-key-service';
import { AppError } from '../errors';
import { deleteTenant, listTenantPage, planTenantDeletion, renameTenant } from '../services/tenant-service';
import { printJson, printTable, withContext } from './with-context';
import { createTenant } from '../services/tenant-service';

export const create = (options: { name: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const name = options.name.trim();
    if (!name) throw new Error('--name must not be empty');
    const tenant = await createTenant(ctx, name);
    if (options.json) printJson(tenant);
    else process.stdout.write(`created tenant ${tenant.id} (${tenant.name})\n`);
  });

export const list = (options: { limit: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be a whole number from 1 to 1000');
    const rows = await listTenantPage(ctx, { limit });
    if (options.json) printJson(rows);
    else
      printTable(
        rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })),
        ['id', 'name', 'created_at'],
      );
  });

export const rename = (options: { tenant: string; name: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const tenant = await renameTenant(ctx, options.tenant, options.name);
    if (options.json) printJson(tenant);
    else process.stdout.write(`renamed tenant ${tenant.id} to ${tenant.name}\n`);
  });

// `delete` is a reserved word, so the handler's export is named for what it does.
const deleteTenantCommand = (options: { tenant: string; yes?: boolean }) =>
  withContext(async (ctx) => {
    if (!options.yes) {
      // A dry run first, so a mistyped id or a busy tenant is seen before anything changes.
      const plan = await planTenantDeletion(ctx, options.tenant);
      if (plan.blocker) throw new AppError({ code: 'tenant_in_use', status: 409, message: plan.blocker });
      process.stdout.write(
        `Deleting ${options.tenant} revokes its API keys and hides it everywhere; its invoices, payments and events stay as history.\n` +
          'Run again with --yes to delete it.\n',
      );
      return;
    }
    const { tenant, revokedApiKeys } = await deleteTenant(ctx, options.tenant);
    process.stdout.write(`deleted tenant ${tenant.id} (${tenant.name}); ${revokedApiKeys} API key(s) revoked; its history is kept\n`);
  });
export { deleteTenantCommand as delete };

export const createKey = (options: { tenant: string; name?: string }) =>
  withContext(async (ctx) => {
    const name = options.name?.trim();
    if (name !== undefined && (name.length === 0 || name.length > 100)) throw new Error('--name must be 1 to 100 characters');
    const { key, view } = await createApiKey(ctx, options.tenant, name);
    process.stdout.write(`created API key ${view.id} for ${options.tenant}; it is shown once:\n${key}\n`);
  });

export const listKeys = (options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const keys = await listApiKeys(ctx, options.tenant);
    if (options.json) printJson(keys);
    else
      printTable(
        keys.map((key) => ({
          ...key,
          name: key.name ?? '',
          last_used_at: key.last_used_at ?? 'never',
          revoked_at: key.revoked_at ?? '',
        })),
        ['id', 'name', 'hint', 'created_at', 'last_used_at', 'revoked_at'],
      );
  });

export const revokeKey = (options: { tenant: string; key: string }) =>
  withContext(async (ctx) => {
    const view = await revokeTenantApiKey(ctx, options.tenant, options.key);
    process.stdout.write(`revoked API key ${view.id} (${view.hint}) at ${view.revoked_at}\n`);
  });
