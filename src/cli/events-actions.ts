import type { EventStatus } from '../store/schema';
import { notFound } from '../errors';
import { backfillConnection, type BackfillProgress } from '../webhooks/backfill';
import { backfillProgressState } from './backfill-progress';
import { ProgressReporter } from './progress-reporter';
import { watchReplay } from './replay-watch';
import { printJson, printTable, withContext } from './with-context';
import { STATUSES } from './events-command';
import { findEventWithAttempts, listEventPage, replayEvents } from '../services/event-service';
import { pageOf } from '../http/cursor';
import { pageOptions, statusOption } from './list-options';
import { parseSince } from './since-option';
import { requireConnectionById } from '../connections/connection-service';

export const replay = (options: {
  tenant: string;
  id?: string[];
  status?: string;
  type?: string;
  connection?: string;
  wait: boolean;
  stallSeconds: string;
}) =>
  withContext(async (ctx) => {
    if (options.status && !STATUSES.includes(options.status as EventStatus)) {
      throw new Error(`--status must be one of ${STATUSES.join(', ')}`);
    }
    if (!options.id && !options.status && !options.type && !options.connection) {
      throw new Error('name the events to replay: --id, --status, --type or --connection (replaying everything is rarely meant)');
    }
    const stallSeconds = Number(options.stallSeconds);
    if (!Number.isInteger(stallSeconds) || stallSeconds < 1) throw new Error('--stall-seconds takes a whole number of seconds, 1 or more');
    const replayedAt = ctx.now();
    const requeued = await replayEvents(
      ctx,
      {
        tenantId: options.tenant,
        ids: options.id,
        status: options.status as EventStatus | undefined,
        type: options.type,
        connectionId: options.connection,
      },
      replayedAt,
    );
    process.stdout.write(`requeued ${requeued} event(s)\n`);
    if (!options.wait || requeued === 0) return;
    const finished = await watchReplay(ctx, options.tenant, { replayedAt, requeued }, { stallMs: stallSeconds * 1000 });
    if (finished)
      process.stdout.write(
        `processed ${requeued} replayed event(s); \`paybridge events list --tenant ${options.tenant}\` shows their outcome\n`,
      );
  });

export const backfill = (options: { connection: string; since?: string }) =>
  withContext(async (ctx) => {
    const connection = await requireConnectionById(ctx, options.connection);
    if (connection.disconnected_at) throw notFound('connection', options.connection);
    const since = options.since === undefined ? undefined : parseSince(options.since);
    const reporter = new ProgressReporter();
    let last: BackfillProgress | undefined;
    const result = await backfillConnection(ctx, connection, {
      since,
      onProgress: (progress) => {
        last = progress;
        reporter.update(backfillProgressState(progress));
      },
    });
    // The list ran to its end: the whole window is read, also when it held no event at all.
    if (!result.error) {
      const until = last?.until ?? Math.floor(ctx.now().getTime() / 1000);
      reporter.update(backfillProgressState({ fetched: result.fetched, since: result.since, until, reached: result.since }, true));
    }
    reporter.finish();
    process.stdout.write(
      `fetched ${result.fetched}, stored ${result.stored} new, ${result.duplicates} already stored, ${result.skipped} skipped (other types or mode)\n`,
    );
    if (result.error) throw new Error(`backfill stopped early: ${result.error}`);
  });

interface ListOptions {
  tenant: string;
  status?: string;
  type?: string;
  connection?: string;
  object?: string;
  limit: string;
  cursor?: string;
  json?: boolean;
}

export const list = (options: ListOptions) =>
  withContext(async (ctx) => {
    const status = statusOption(options.status, STATUSES);
    const { limit, before } = pageOptions(options);
    const rows = await listEventPage(
      ctx,
      { tenantId: options.tenant, status, type: options.type, connectionId: options.connection, objectId: options.object },
      { limit: limit + 1, before: before && { receivedAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: row.received_at, id: row.id }));
    if (options.json) return printJson({ data: page.rows, next_cursor: page.nextCursor });
    printTable(
      page.rows.map((row) => ({ ...row, received_at: row.received_at.toISOString() })),
      ['id', 'type', 'status', 'attempts', 'object_id', 'connection_id', 'received_at'],
    );
    if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
  });

export const show = (id: string, options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const found = await findEventWithAttempts(ctx, options.tenant, id);
    if (!found) throw notFound('event', id);
    const { payload, ...event } = found.event;
    const parsed = JSON.parse(payload) as unknown;
    if (options.json) return printJson({ ...event, payload: parsed, processing_attempts: found.attempts });
    const lines = [
      `${event.id}  ${event.type}  ${event.status}${event.status_reason ? ` (${event.status_reason})` : ''}`,
      `  stripe event:  ${event.stripe_event_id} (${event.livemode ? 'live' : 'test'}, via ${event.source})`,
      `  connection:    ${event.connection_id}`,
      `  object:        ${event.object_type ?? '-'} ${event.object_id ?? ''}`.trimEnd(),
      `  received:      ${event.received_at.toISOString()}${event.processed_at ? `, processed ${new Date(event.processed_at).toISOString()}` : ''}`,
      ...(event.last_error ? [`  last error:    ${event.last_error}`] : []),
      `processing attempts (${found.attempts.length}):`,
      ...found.attempts.map((attempt) => `  #${attempt.attempt}  ${attempt.outcome}${attempt.detail ? `  ${attempt.detail}` : ''}`),
      'payload:',
      JSON.stringify(parsed, null, 2),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
