import type { AppContext } from '../context';
import { Effects } from '../domain/effects';
import { featureEnabled } from '../domain/feature-gate';
import { mergeOutcomes, type ModuleRegistry } from '../domain/module-registry';
import { raiseLocally } from '../domain/signals';
import { AppError, isRetryable } from '../errors';
import type { HandlerRegistry } from '../handlers/registry';
import { isTranslation, type StripeEventEnvelope } from '../handlers/types';
import { findConnections } from '../store/connections';
import type { Db } from '../store/database';
import { completeEvents } from '../store/event-queue';
import type { ConnectionRow, EventRow, EventStatus } from '../store/schema';
import { ObjectCreatedMeanwhile, ObjectVersions, type ObjectKey } from '../store/stripe-objects';
import { featuresForEvent } from '../stripe/features';
import { retryDelayMs, type RetryPolicy } from './backoff';
import { payloadProblem } from './parse-event';

export type ProcessOutcome = { status: EventStatus; reason: string | null };
export interface ProcessedEvent {
  event: EventRow;
  outcome: ProcessOutcome;
}

export interface ProcessingScope {
  ctx: AppContext;
  /** Stripe event type → the handler that turns it into facts. */
  registry: HandlerRegistry;
  /** Payable type or fact kind → the business modules that act on facts. */
  modules: ModuleRegistry;
  workerId: string;
  policy: RetryPolicy;
}

/** Thrown inside a processing transaction whose events are no longer leased to this worker: rolls it back. */
class LeaseLost extends Error {}

/**
 * Processes claimed events, oldest first. Every event's object version, business effects and final
 * status are written in one transaction with it, so a crash anywhere leaves the event claimable
 * again with no effect applied, and a worker that lost its lease (it stalled past `locked_until` and
 * another worker claimed the event) writes nothing: its completion finds the lease gone and throws.
 *
 * The whole chunk first goes through one transaction: one commit and one status statement for many
 * events instead of three round trips each. If anything in it fails, it is rolled back and every
 * event is processed again in a transaction of its own, so one failing event never holds back or
 * fails the others, and its failure is recorded against it alone.
 */
export async function processEvents(scope: ProcessingScope, events: readonly EventRow[]): Promise<ProcessedEvent[]> {
  if (events.length === 0) return [];
  if (events.length > 1) {
    try {
      return await processTogether(scope, events);
    } catch (error) {
      const cause =
        error instanceof LeaseLost ? 'lease_lost' : error instanceof ObjectCreatedMeanwhile ? 'object_created_meanwhile' : 'error';
      scope.ctx.metrics.chunkFallbacks.inc({ cause });
      scope.ctx.logger.debug({ err: error, events: events.length, cause }, 'chunk failed as a whole; processing its events one by one');
    }
  }
  const processed: ProcessedEvent[] = [];
  for (const event of events) {
    const result = await processAlone(scope, event);
    if (result) processed.push(result);
  }
  return processed;
}

/** The events' connections, read inside the processing transaction so a disable or disconnect is seen as late as possible. */
async function loadConnections(db: Db, events: readonly EventRow[]): Promise<Map<string, ConnectionRow>> {
  const rows = await findConnections(db, [...new Set(events.map((event) => event.connection_id))]);
  return new Map(rows.map((row) => [row.id, row]));
}

async function processTogether(scope: ProcessingScope, events: readonly EventRow[]): Promise<ProcessedEvent[]> {
  const { ctx } = scope;
  const { processed, signals } = await ctx.store.db.transaction().execute(async (trx) => {
    const connections = await loadConnections(trx, events);
    const versions = await ObjectVersions.lock(trx, objectKeys(events));
    // One journal for the chunk: each event gets its own unit of work (its cause), written together.
    const journal = Effects.begin(trx, ctx.now());
    const processed: ProcessedEvent[] = [];
    const completions = [];
    for (const event of events) {
      const startedAt = ctx.now();
      const outcome = await decide(scope, journal, versions, event, connections.get(event.connection_id));
      processed.push({ event, outcome });
      completions.push({ eventId: event.id, ...outcome, startedAt, finishedAt: ctx.now() });
    }
    await versions.write(trx);
    const signals = await journal.flush();
    const written = await completeEvents(trx, scope.workerId, completions);
    if (written.size !== events.length) throw new LeaseLost('some events of the chunk are no longer leased to this worker');
    return { processed, signals };
  });
  raiseLocally(ctx, signals);
  return processed;
}

async function processAlone(scope: ProcessingScope, event: EventRow): Promise<ProcessedEvent | undefined> {
  const { ctx, workerId, policy } = scope;
  const startedAt = ctx.now();
  const attemptOnce = async () => {
    const { outcome, signals } = await ctx.store.db.transaction().execute(async (trx) => {
      const connections = await loadConnections(trx, [event]);
      const versions = await ObjectVersions.lock(trx, objectKeys([event]));
      const journal = Effects.begin(trx, ctx.now());
      const outcome = await decide(scope, journal, versions, event, connections.get(event.connection_id));
      await versions.write(trx);
      const signals = await journal.flush();
      const written = await completeEvents(trx, workerId, [{ eventId: event.id, ...outcome, startedAt, finishedAt: ctx.now() }]);
      if (!written.has(event.id)) throw new LeaseLost(`event ${event.id} is no longer leased to this worker`);
      return { outcome, signals };
    });
    raiseLocally(ctx, signals);
    return { event, outcome };
  };
  try {
    try {
      return await attemptOnce();
    } catch (error) {
      // Another transaction created the same object first; now it exists, the retry locks it.
      if (error instanceof ObjectCreatedMeanwhile) return await attemptOnce();
      throw error;
    }
  } catch (error) {
    if (error instanceof LeaseLost) return undefined;
    const attempt = event.attempts;
    const dead = !isRetryable(error) || attempt >= policy.maxAttempts;
    const outcome: ProcessOutcome = { status: dead ? 'dead' : 'failed', reason: error instanceof Error ? error.message : String(error) };
    const nextAttemptAt = new Date(ctx.now().getTime() + retryDelayMs(attempt, policy));
    const written = await completeEvents(ctx.store.db, workerId, [
      { eventId: event.id, ...outcome, nextAttemptAt, startedAt, finishedAt: ctx.now() },
    ]);
    ctx.logger.warn({ eventId: event.id, type: event.type, attempt, dead, err: error }, 'event processing failed');
    return written.has(event.id) ? { event, outcome } : undefined;
  }
}

/** The objects the events carry, to lock before processing them. */
function objectKeys(events: readonly EventRow[]): ObjectKey[] {
  return events.flatMap((event) => (event.object_id ? [{ connectionId: event.connection_id, stripeId: event.object_id }] : []));
}

/**
 * One event: connection state, then the event-type gate (src/domain/feature-gate.ts rule 1), then the
 * object version, then the handler's facts, each routed to its module(s) (rule 2 gates those).
 */
async function decide(
  scope: ProcessingScope,
  journal: Effects,
  versions: ObjectVersions,
  row: EventRow,
  connection: ConnectionRow | undefined,
): Promise<ProcessOutcome> {
  if (!connection || connection.disconnected_at)
    return { status: 'ignored', reason: 'the connection was disconnected; its events are kept but not acted on' };
  if (!connection.is_active)
    return { status: 'paused', reason: 'the connection is disabled; this event is processed when it is enabled again' };
  const registration = scope.registry.get(row.type);
  if (!registration) return { status: 'ignored', reason: `Paybridge does not handle ${row.type} events (no feature uses them)` };
  const enabled = connection.features as string[];
  const features = featuresForEvent(row.type);
  if (features.length > 0 && !features.some((feature) => featureEnabled(enabled, feature))) {
    return { status: 'ignored', reason: `${row.type} belongs to feature(s) ${features.join(', ')}, none enabled on this connection` };
  }
  // The route refuses these now; a row stored before (or by an older version) must die with its
  // reason, not overflow the stack on every retry.
  const problem = payloadProblem(row.payload);
  if (problem) throw new AppError({ code: 'unprocessable_event', status: 422, message: problem, retryable: false });
  const event = JSON.parse(row.payload) as StripeEventEnvelope;
  const object = event.data.object;
  const applied =
    typeof object.id === 'string'
      ? versions.apply({
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
  const translated = await registration.handle({ event, connection, object: applied });
  if (!isTranslation(translated)) {
    return translated.status === 'processed'
      ? { status: 'processed', reason: translated.note ?? null }
      : { status: 'ignored', reason: translated.reason };
  }
  const effects = journal.forCause(
    { stripeEventId: event.id, connectionId: connection.id, tenantId: connection.tenant_id },
    scope.ctx.now(),
  );
  const outcomes = [];
  for (const fact of translated.facts) {
    const outcome = await scope.modules.route(effects, fact, enabled);
    if (outcome) outcomes.push(outcome);
  }
  const merged = mergeOutcomes(outcomes) ?? { status: 'processed', note: translated.note };
  return merged.status === 'processed' ? { status: 'processed', reason: merged.note } : { status: 'ignored', reason: merged.reason };
}
