import type { EventStatus } from '../store/schema';
import { notFound } from '../errors';
import { backfillConnection } from '../webhooks/backfill';
import { withContext } from './with-context';
import { STATUSES } from './events-command';
import { replayEvents } from '../services/event-service';
import { requireConnectionById } from '../connections/connection-service';

export const replay = (options: { tenant: string; id?: string[]; status?: string; type?: string; connection?: string }) =>
  withContext(async (ctx) => {
    if (options.status && !STATUSES.includes(options.status as EventStatus)) {
      throw new Error(`--status must be one of ${STATUSES.join(', ')}`);
    }
    if (!options.id && !options.status && !options.type && !options.connection) {
      throw new Error('name the events to replay: --id, --status, --type or --connection (replaying everything is rarely meant)');
    }
    const requeued = await replayEvents(ctx, {
      tenantId: options.tenant,
      ids: options.id,
      status: options.status as EventStatus | undefined,
      type: options.type,
      connectionId: options.connection,
    });
    process.stdout.write(`requeued ${requeued} event(s)\n`);
  });

export const backfill = (options: { connection: string; since?: string }) =>
  withContext(async (ctx) => {
    const connection = await requireConnectionById(ctx, options.connection);
    if (connection.disconnected_at) throw notFound('connection', options.connection);
    const since = options.since === undefined ? undefined : Number(options.since);
    if (since !== undefined && (!Number.isInteger(since) || since < 0)) throw new Error('--since must be a Unix timestamp in seconds');
    const result = await backfillConnection(ctx, connection, {
      since,
      onProgress: (fetched) => {
        if (fetched % 100 === 0) process.stderr.write(`\rfetched ${fetched} event(s)…`);
      },
    });
    process.stderr.write('\n');
    process.stdout.write(
      `fetched ${result.fetched}, stored ${result.stored} new, ${result.duplicates} already stored, ${result.skipped} skipped (other types or mode)\n`,
    );
    if (result.error) throw new Error(`backfill stopped early: ${result.error}`);
  });
