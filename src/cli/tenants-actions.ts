import { createApiKey, listApiKeys, revokeTenantApiKey } from '../services/api-key-service';
import { listTenantPage } from '../services/tenant-service';
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
