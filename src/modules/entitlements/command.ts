import type { Command } from 'commander';
import { printJson, withContext } from '../../cli/with-context';
import { checkEntitlement } from './entitlements-service';

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
    .action((options: { tenant: string; customer: string; key: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const answer = await checkEntitlement(ctx.store.db, options.tenant, options.customer, options.key, ctx.now());
        if (options.json) printJson(answer);
        else
          process.stdout.write(
            `${answer.key}: ${answer.granted ? `granted (value ${String(answer.value)}${answer.until ? `, until ${answer.until}` : ''})` : 'not granted'}\n` +
              `reason: ${answer.reason}\nas of: ${answer.as_of ?? 'no Stripe event yet'}\n`,
          );
        if (!answer.granted) process.exitCode = 3;
      }),
    );
}
