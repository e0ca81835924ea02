import type { Command } from 'commander';
import { createConnectionInput, updateConnectionInput, type UpdateConnectionInput } from '../connections/connection-input';
import {
  changeConnection,
  checkConnection,
  connectAccount,
  connectionRequirements,
  disconnectConnection,
  listConnections,
  repairConnection,
  requireConnection,
  requireConnectionById,
  viewConnection,
} from '../connections/connection-service';
import type { ConnectionView } from '../connections/connection-view';
import { validationError } from '../http/error-handler';
import { printJson, printTable, withContext } from './with-context';

function permissionLines(view: ConnectionView): string[] {
  const report = view.permissions;
  if (!report.checked) return ['  permissions:    not checked yet'];
  const requirements = connectionRequirements({ features: view.features, webhook_setup: view.webhook_setup });
  const label = (name: string) => requirements.find((p) => p.name === name)?.label;
  const lines = [`  permissions:    ${report.ok ? 'ok' : `MISSING ${report.missing.length}`} (checked ${report.checked_at})`];
  for (const name of report.missing) lines.push(`    ✗ ${name}${label(name) ? `  (${label(name)})` : ''}`);
  if (report.required_writes.length > 0) {
    lines.push('    a restricted key must also carry these writes (not checkable without changing data):');
    for (const name of report.required_writes) lines.push(`      ${name}${label(name) ? `  (${label(name)})` : ''}`);
  }
  return lines;
}

function printConnection(view: ConnectionView, json?: boolean): void {
  if (json) return printJson(view);
  const endpoint = view.webhook_endpoint;
  const lines = [
    `${view.id}  ${view.name}  [${view.mode}${view.environment ? ` · ${view.environment}` : ''}]  ${view.status}`,
    `  secret key:     ${view.secret_key_hint}`,
    `  account:        ${view.account_id ?? '(unknown)'}`,
    `  webhook URL:    ${view.webhook_url}`,
    `  webhook setup:  ${view.webhook_setup} — ${view.webhook_status.replaceAll('_', ' ')}`,
    `  features:       ${view.features.join(', ')}`,
    `  events:         ${view.enabled_events.join(', ')}`,
    ...(endpoint ? [`  endpoint:       ${endpoint.id} (${endpoint.status}, api ${endpoint.api_version ?? 'account default'})`] : []),
    ...permissionLines(view),
    ...(view.webhook_instructions ? ['', '  To finish manual setup:', `  ${view.webhook_instructions}`, ''] : []),
    ...view.status_reasons.map((reason) => `  ! ${reason}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function setActive(isActive: boolean) {
  return (id: string, options: { json?: boolean }) =>
    withContext(async (ctx) => {
      const row = await changeConnection(ctx, await requireConnectionById(ctx, id), { is_active: isActive });
      printConnection(await viewConnection(ctx, row), options.json);
    });
}

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
    .action((options) =>
      withContext(async (ctx) => {
        const parsed = createConnectionInput.safeParse({
          name: options.name,
          secret_key: options.secretKey,
          publishable_key: options.publishableKey,
          webhook_secret: options.webhookSecret,
          account_id: options.accountId,
          webhook_setup: options.manual ? 'manual' : 'auto',
          features: options.features
            ? String(options.features)
                .split(',')
                .map((f: string) => f.trim())
            : undefined,
          environment: options.environment,
        });
        if (!parsed.success) throw validationError(parsed.error);
        const { row, reconnected } = await connectAccount(ctx, options.tenant, parsed.data);
        if (reconnected && !options.json)
          process.stdout.write('This account was already connected for the tenant: updated that connection.\n');
        printConnection(await viewConnection(ctx, row), options.json);
      }),
    );

  connections
    .command('list')
    .description("list a tenant's connections")
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action((options: { tenant: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const views = await Promise.all((await listConnections(ctx, options.tenant)).map((row) => viewConnection(ctx, row)));
        if (options.json) printJson(views);
        else
          printTable(views as unknown as Record<string, unknown>[], [
            'id',
            'name',
            'mode',
            'environment',
            'status',
            'secret_key_hint',
            'last_event_at',
          ]);
      }),
    );

  connections
    .command('show <connection_id>')
    .description('show one connection, its webhook URL and what needs attention')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) =>
      withContext(async (ctx) => printConnection(await viewConnection(ctx, await requireConnectionById(ctx, id)), options.json)),
    );

  connections
    .command('update <connection_id>')
    .description('rename, rotate the API key or signing secret, or change features')
    .option('--name <name>')
    .option('--secret-key <key>', 'a new secret or restricted key (replaces the old one once it validates)')
    .option('--webhook-secret <whsec>', 'a new signing secret (the old one keeps working for the overlap)')
    .option('--features <list>', 'comma-separated features')
    .option('--json', 'print JSON')
    .action((id: string, options) =>
      withContext(async (ctx) => {
        const input: Record<string, unknown> = {};
        if (options.name !== undefined) input.name = options.name;
        if (options.secretKey !== undefined) input.secret_key = options.secretKey;
        if (options.webhookSecret !== undefined) input.webhook_secret = options.webhookSecret;
        if (options.features !== undefined)
          input.features = String(options.features)
            .split(',')
            .map((f) => f.trim());
        const parsed = updateConnectionInput.safeParse(input);
        if (!parsed.success) throw validationError(parsed.error);
        const row = await changeConnection(ctx, await requireConnectionById(ctx, id), parsed.data as UpdateConnectionInput);
        printConnection(await viewConnection(ctx, row), options.json);
      }),
    );

  connections
    .command('check <connection_id>')
    .description('re-run the key check, the permission preflight and the webhook endpoint drift check')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) =>
      withContext(async (ctx) =>
        printConnection(await viewConnection(ctx, await checkConnection(ctx, await requireConnectionById(ctx, id))), options.json),
      ),
    );

  connections
    .command('repair <connection_id>')
    .description('restore the webhook endpoint Paybridge manages (recreates it if it was deleted in Stripe)')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) =>
      withContext(async (ctx) =>
        printConnection(await viewConnection(ctx, await repairConnection(ctx, await requireConnectionById(ctx, id))), options.json),
      ),
    );

  connections
    .command('disable <connection_id>')
    .description('pause processing; events are kept as paused')
    .option('--json')
    .action(setActive(false));
  connections
    .command('enable <connection_id>')
    .description('resume processing, paused events included')
    .option('--json')
    .action(setActive(true));

  connections
    .command('remove <connection_id>')
    .description('disconnect: stop accepting events for it, keep its history')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) =>
      withContext(async (ctx) => {
        const row = await requireConnectionById(ctx, id);
        const removed = await disconnectConnection(ctx, await requireConnection(ctx, row.tenant_id, id));
        printConnection(await viewConnection(ctx, removed), options.json);
      }),
    );
}
