import { printJson, printTable, withContext } from '../../cli/with-context';
import { readCursor } from '../../http/cursor';
import type { WebhookDeliveryStatus } from '../../store/outbound-webhooks-schema';
import { listDeliveries, redeliver, viewDeliveries } from './deliveries-service';
import { createEndpoint, endpointView, listEndpoints, rotateSecret, sendPing } from './endpoints-service';
import { checkReceiver } from './receiver-check-service';
import { STATUSES } from './command';

export const list = (options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const views = (await listEndpoints(ctx, options.tenant, { limit: 100 })).map(endpointView);
    if (options.json) printJson(views);
    else
      printTable(
        views.map((view) => ({ ...view, event_types: view.event_types.join(',') })),
        ['id', 'url', 'event_types', 'status'],
      );
  });

export const create = (options: { tenant: string; url: string; events?: string[]; description?: string }) =>
  withContext(async (ctx) => {
    printJson(
      await createEndpoint(ctx, options.tenant, { url: options.url, event_types: options.events, description: options.description }),
    );
  });

export const rotate = (options: { tenant: string; endpoint: string }) =>
  withContext(async (ctx) => printJson(await rotateSecret(ctx, options.tenant, options.endpoint)));

export const test = (options: { tenant: string; endpoint: string }) =>
  withContext(async (ctx) => printJson(await sendPing(ctx, options.tenant, options.endpoint)));

export const deliveries = (options: {
  tenant: string;
  endpoint: string;
  status?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}) =>
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
  });

export const redeliverOne = (options: { tenant: string; delivery: string }) =>
  withContext(async (ctx) => printJson(await redeliver(ctx, options.tenant, options.delivery)));

export const checkTheReceiver = (options: { tenant: string; endpoint: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const report = await checkReceiver(ctx, options.tenant, options.endpoint);
    if (options.json) printJson(report);
    else {
      process.stdout.write(`verdict: ${report.verdict}\n`);
      for (const check of report.checks) process.stdout.write(`  ${check.result.padEnd(12)} ${check.name}: ${check.detail}\n`);
    }
    if (report.verdict === 'failed') process.exitCode = 1;
  });
