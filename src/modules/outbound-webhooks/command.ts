import type { Command } from 'commander';
import { printJson, printTable, withContext } from '../../cli/with-context';
import { readCursor } from '../../http/cursor';
import type { WebhookDeliveryStatus } from '../../store/outbound-webhooks-schema';
import { listDeliveries, redeliver, viewDeliveries } from './deliveries-service';
import { createEndpoint, endpointView, listEndpoints, rotateSecret, sendPing } from './endpoints-service';
import { checkReceiver } from './receiver-check-service';

const STATUSES: WebhookDeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed'];

/** `paybridge webhooks …`: the platform's outbound webhook endpoints, their delivery log and the receiver check. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description("outbound webhooks to the platform's own app: endpoints, deliveries, receiver check");

  webhooks
    .command('list')
    .description("a tenant's webhook endpoints")
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .option('--json', 'print JSON')
    .action((options: { tenant: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const views = (await listEndpoints(ctx, options.tenant, { limit: 100 })).map(endpointView);
        if (options.json) printJson(views);
        else
          printTable(
            views.map((view) => ({ ...view, event_types: view.event_types.join(',') })),
            ['id', 'url', 'event_types', 'status'],
          );
      }),
    );

  webhooks
    .command('create')
    .description('add an endpoint; prints its signing secret once')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--url <url>', 'the https URL of your receiver')
    .option('--events <types...>', 'domain event types to send, such as invoice.paid (default: all)')
    .option('--description <text>', 'a note for people')
    .action((options: { tenant: string; url: string; events?: string[]; description?: string }) =>
      withContext(async (ctx) => {
        printJson(
          await createEndpoint(ctx, options.tenant, { url: options.url, event_types: options.events, description: options.description }),
        );
      }),
    );

  webhooks
    .command('rotate-secret')
    .description('new signing secret (printed once); the previous one signs alongside it for 24 hours')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .action((options: { tenant: string; endpoint: string }) =>
      withContext(async (ctx) => printJson(await rotateSecret(ctx, options.tenant, options.endpoint))),
    );

  webhooks
    .command('test')
    .description('queue a signed ping to the endpoint (a running worker sends it)')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .action((options: { tenant: string; endpoint: string }) =>
      withContext(async (ctx) => printJson(await sendPing(ctx, options.tenant, options.endpoint))),
    );

  webhooks
    .command('deliveries')
    .description("an endpoint's delivery log, newest first")
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .option('--status <status>', `only deliveries in this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many (1–100)', '25')
    .option('--cursor <cursor>', 'next_cursor from the previous page')
    .option('--json', 'print JSON with every attempt')
    .action((options: { tenant: string; endpoint: string; status?: string; limit: string; cursor?: string; json?: boolean }) =>
      withContext(async (ctx) => {
        if (options.status && !STATUSES.includes(options.status as WebhookDeliveryStatus))
          throw new Error(`--status must be one of ${STATUSES.join(', ')}`);
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error('--limit must be a whole number from 1 to 100');
        const before = readCursor(options.cursor);
        const rows = await listDeliveries(
          ctx,
          options.tenant,
          options.endpoint,
          { status: options.status as WebhookDeliveryStatus | undefined },
          { limit, before: before && { createdAt: before.at, id: before.id } },
        );
        const views = await viewDeliveries(ctx, rows);
        if (options.json) return printJson(views);
        printTable(
          views.map((view) => ({
            ...view,
            object: view.object.id,
            last_code: view.last_response?.status_code ?? view.last_response?.error ?? null,
            ms: view.last_response?.response_ms ?? null,
          })),
          ['id', 'webhook_id', 'event_type', 'object', 'status', 'attempts', 'last_code', 'ms', 'next_retry_at'],
        );
      }),
    );

  webhooks
    .command('redeliver')
    .description('send a finished delivery again, with the same webhook-id')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--delivery <delivery_id>', 'the delivery (wdl_…)')
    .action((options: { tenant: string; delivery: string }) =>
      withContext(async (ctx) => printJson(await redeliver(ctx, options.tenant, options.delivery))),
    );

  webhooks
    .command('check-receiver')
    .description(
      'send the receiver a forged signature, a two-secret signature, a duplicate webhook-id and an out-of-order pair, and report what it did',
    )
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .option('--json', 'print JSON')
    .action((options: { tenant: string; endpoint: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const report = await checkReceiver(ctx, options.tenant, options.endpoint);
        if (options.json) printJson(report);
        else {
          process.stdout.write(`verdict: ${report.verdict}\n`);
          for (const check of report.checks) process.stdout.write(`  ${check.result.padEnd(12)} ${check.name}: ${check.detail}\n`);
        }
        if (report.verdict === 'failed') process.exitCode = 1;
      }),
    );
}
