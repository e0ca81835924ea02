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

interface AddOptions {
  tenant: string;
  name: string;
  secretKey: string;
  publishableKey?: string;
  webhookSecret?: string;
  accountId?: string;
  manual?: boolean;
  features?: string;
  environment?: string;
  json?: boolean;
}

export const add = (options: AddOptions) =>
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
    if (reconnected && !options.json) process.stdout.write('This account was already connected for the tenant: updated that connection.\n');
    printConnection(await viewConnection(ctx, row), options.json);
  });

export const list = (options: { tenant: string; json?: boolean }) =>
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
  });

export const show = (id: string, options: { json?: boolean }) =>
  withContext(async (ctx) => printConnection(await viewConnection(ctx, await requireConnectionById(ctx, id)), options.json));

export const update = (
  id: string,
  options: { name?: string; secretKey?: string; webhookSecret?: string; features?: string; json?: boolean },
) =>
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
  });

export const check = (id: string, options: { json?: boolean }) =>
  withContext(async (ctx) =>
    printConnection(await viewConnection(ctx, await checkConnection(ctx, await requireConnectionById(ctx, id))), options.json),
  );

export const repair = (id: string, options: { json?: boolean }) =>
  withContext(async (ctx) =>
    printConnection(await viewConnection(ctx, await repairConnection(ctx, await requireConnectionById(ctx, id))), options.json),
  );

export const disable = setActive(false);
export const enable = setActive(true);

export const remove = (id: string, options: { json?: boolean }) =>
  withContext(async (ctx) => {
    const row = await requireConnectionById(ctx, id);
    const removed = await disconnectConnection(ctx, await requireConnection(ctx, row.tenant_id, id));
    printConnection(await viewConnection(ctx, removed), options.json);
  });
