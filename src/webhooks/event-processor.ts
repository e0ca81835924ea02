import type { AppContext } from '../context';
import { isRetryable } from '../errors';
import type { HandlerRegistry } from '../handlers/registry';
import type { HandlerOutcome, StripeEventEnvelope } from '../handlers/types';
import { newId } from '../ids';
import { findConnection } from '../store/connections';
import type { Db } from '../store/database';
import type { EventRow, EventStatus } from '../store/schema';
import { applyObjectVersion } from '../store/stripe-objects';
import { featuresForEvent, type Feature } from '../stripe/features';
import { retryDelayMs, type RetryPolicy } from './backoff';

export type ProcessOutcome = { status: EventStatus; reason: string | null };

/**
 * Processes one claimed event in its own transaction: the event row is locked, checked to be still
 * this worker's, the object version and the business effects are written, and the final status is
 * set, all or nothing. A crash anywhere leaves the event claimable again with no effect applied, and
 * a second worker that somehow holds the same event finds it no longer claimable and does nothing.
 */
export async function processEvent(
  ctx: AppContext,
  registry: HandlerRegistry,
  claimed: EventRow,
  workerId: string,
  policy: RetryPolicy,
): Promise<ProcessOutcome | undefined> {
  const startedAt = ctx.now();
  const attempt = claimed.attempts;
  try {
    return await ctx.store.db.transaction().execute(async (trx) => {
      const event = await trx.selectFrom('events').selectAll().where('id', '=', claimed.id).forUpdate().executeTakeFirst();
      if (!event || event.locked_by !== workerId || !['received', 'failed'].includes(event.status)) return undefined;
      const outcome = await decide(ctx, registry, trx, event);
      await finish(trx, event, outcome, attempt, startedAt, ctx.now());
      return outcome;
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const dead = !isRetryable(error) || attempt >= policy.maxAttempts;
    const outcome: ProcessOutcome = { status: dead ? 'dead' : 'failed', reason: message };
    const nextAttempt = new Date(ctx.now().getTime() + retryDelayMs(attempt, policy));
    await ctx.store.db.transaction().execute(async (trx) => {
      const event = await trx.selectFrom('events').selectAll().where('id', '=', claimed.id).forUpdate().executeTakeFirst();
      if (!event || event.locked_by !== workerId) return;
      await finish(trx, event, outcome, attempt, startedAt, ctx.now(), nextAttempt);
    });
    ctx.logger.warn({ eventId: claimed.id, type: claimed.type, attempt, dead, err: error }, 'event processing failed');
    return outcome;
  }
}

async function decide(ctx: AppContext, registry: HandlerRegistry, trx: Db, row: EventRow): Promise<ProcessOutcome> {
  const connection = await findConnection(trx, row.connection_id);
  if (!connection || connection.disconnected_at) return { status: 'ignored', reason: 'the connection was disconnected; its events are kept but not acted on' };
  if (!connection.is_active) return { status: 'paused', reason: 'the connection is disabled; this event is processed when it is enabled again' };
  const registration = registry.get(row.type);
  if (!registration) return { status: 'ignored', reason: `Paybridge does not handle ${row.type} events (no feature uses them)` };
  const enabled = connection.features as Feature[];
  const features = featuresForEvent(row.type);
  if (features.length > 0 && !features.some((feature) => enabled.includes(feature))) {
    return { status: 'ignored', reason: `${row.type} belongs to feature(s) ${features.join(', ')}, none enabled on this connection` };
  }
  const event = JSON.parse(row.payload) as StripeEventEnvelope;
  const object = event.data.object;
  const applied =
    typeof object.id === 'string'
      ? await applyObjectVersion(trx, {
          connectionId: connection.id,
          stripeId: object.id,
          objectType: typeof object.object === 'string' ? object.object : row.type.split('.')[0]!,
          version: {
            created: event.created,
            eventId: event.id,
            object,
            previous: event.data.previous_attributes ?? null,
            deleted: row.type.endsWith('.deleted') || object.deleted === true,
          },
        })
      : undefined;
  const outcome: HandlerOutcome = await registration.handle({ ctx, trx, event, eventRow: row, connection, object: applied });
  return outcome.status === 'processed' ? { status: 'processed', reason: outcome.note ?? null } : { status: 'ignored', reason: outcome.reason };
}

async function finish(trx: Db, event: EventRow, outcome: ProcessOutcome, attempt: number, startedAt: Date, finishedAt: Date, nextAttempt?: Date) {
  const final = outcome.status !== 'failed';
  await trx
    .updateTable('events')
    .set({
      status: outcome.status,
      status_reason: outcome.status === 'failed' || outcome.status === 'dead' ? null : outcome.reason,
      last_error: outcome.status === 'failed' || outcome.status === 'dead' ? outcome.reason : event.last_error,
      processed_at: final ? finishedAt : null,
      next_attempt_at: nextAttempt ?? event.next_attempt_at,
      locked_by: null,
      locked_until: null,
    })
    .where('id', '=', event.id)
    .execute();
  await trx
    .insertInto('event_attempts')
    .values({ id: newId('attempt'), event_id: event.id, attempt, outcome: outcome.status, detail: outcome.reason?.slice(0, 2000) ?? null, started_at: startedAt, finished_at: finishedAt })
    .execute();
}
