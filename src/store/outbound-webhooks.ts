import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type {
  WebhookDeliveryAttemptRow,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
  WebhookEndpointSecretRow,
} from './outbound-webhooks-schema';

// ---------------------------------------------------------------------------------------------
// Endpoints and their secrets
// ---------------------------------------------------------------------------------------------

/**
 * Creates an endpoint with its first secret. Its cursor starts at the tenant's newest domain event,
 * so it receives what happens from now on, not the tenant's whole history.
 */
export async function insertEndpoint(
  db: Db,
  endpoint: { id: string; tenantId: string; url: string; description: string | null; eventTypes: string[] | null; now: Date },
  secret: { id: string; sealed: string },
): Promise<WebhookEndpointRow> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({
        id: endpoint.id,
        tenant_id: endpoint.tenantId,
        url: endpoint.url,
        description: endpoint.description,
        event_types: endpoint.eventTypes ? JSON.stringify(endpoint.eventTypes) : null,
        status: 'enabled',
        cursor_sequence: await currentSequence(trx, endpoint.tenantId),
        updated_at: endpoint.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('webhook_endpoint_secrets')
      .values({ id: secret.id, endpoint_id: endpoint.id, secret_sealed: secret.sealed })
      .execute();
    return row;
  });
}

async function currentSequence(db: Db, tenantId: string): Promise<number> {
  const row = await db.selectFrom('domain_event_sequences').select('last_sequence').where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(row?.last_sequence ?? 0);
}

export async function findTenantEndpoint(db: Db, tenantId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function listTenantEndpoints(
  db: Db,
  tenantId: string,
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<WebhookEndpointRow[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function updateEndpointFields(
  db: Db,
  id: string,
  fields: { url?: string; description?: string | null; eventTypes?: string[] | null; now: Date },
): Promise<WebhookEndpointRow> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(fields.url === undefined ? {} : { url: fields.url }),
      ...(fields.description === undefined ? {} : { description: fields.description }),
      ...(fields.eventTypes === undefined ? {} : { event_types: fields.eventTypes ? JSON.stringify(fields.eventTypes) : null }),
      updated_at: fields.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Disables an endpoint; false when it was already disabled (so its notice is recorded once). */
export async function disableEndpoint(db: Db, id: string, reason: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ status: 'disabled', disabled_reason: reason, disabled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'enabled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Enables an endpoint again with a clean health record. Its cursor jumps to the newest domain
 * event: what happened while it was disabled is not sent (deliveries already queued still are).
 */
export async function enableEndpoint(db: Db, endpoint: WebhookEndpointRow, now: Date): Promise<WebhookEndpointRow> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      status: 'enabled',
      disabled_reason: null,
      disabled_at: null,
      consecutive_failures: 0,
      failing_since: null,
      circuit_open_until: null,
      cursor_sequence: await currentSequence(db, endpoint.tenant_id),
      updated_at: now,
    })
    .where('id', '=', endpoint.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** Secrets still signing at `now`: the current one, and a replaced one during its overlap. */
export async function listSigningSecrets(db: Db, endpointId: string, now: Date): Promise<WebhookEndpointSecretRow[]> {
  return db
    .selectFrom('webhook_endpoint_secrets')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/** Adds a new current secret; the ones still current sign on until `overlapUntil`. */
export async function rotateEndpointSecret(
  db: Db,
  endpointId: string,
  secret: { id: string; sealed: string },
  overlapUntil: Date,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_endpoint_secrets')
      .set({ expires_at: overlapUntil })
      .where('endpoint_id', '=', endpointId)
      .where('expires_at', 'is', null)
      .execute();
    await trx
      .insertInto('webhook_endpoint_secrets')
      .values({ id: secret.id, endpoint_id: endpointId, secret_sealed: secret.sealed })
      .execute();
    await trx
      .updateTable('webhook_endpoints')
      .set((eb) => ({ secrets_version: eb('secrets_version', '+', 1), updated_at: now }))
      .where('id', '=', endpointId)
      .execute();
  });
}

// ---------------------------------------------------------------------------------------------
// Fan-out: domain events → deliveries
// ---------------------------------------------------------------------------------------------

/**
 * Turns new domain events into deliveries for up to `endpointLimit` endpoints whose cursor is
 * behind their tenant's sequence. Each endpoint is locked (SKIP LOCKED: two workers fan out
 * different endpoints) and advanced in the statement that inserts its deliveries, all in one
 * transaction, so an event is never skipped nor fanned out twice. Domain event numbers follow
 * commit order (migration 0010), so reading after the cursor never misses a late commit.
 */
export async function fanOutDomainEvents(
  db: Db,
  options: { endpointLimit: number; eventLimit: number; now: Date },
): Promise<{ endpoints: number; deliveries: number }> {
  return db.transaction().execute(async (trx) => {
    const behind = await sql<{ id: string; tenant_id: string; cursor_sequence: number; event_types: string[] | null }>`
      select e.id, e.tenant_id, e.cursor_sequence, e.event_types
      from webhook_endpoints e
      join domain_event_sequences s on s.tenant_id = e.tenant_id
      where e.status = 'enabled' and e.cursor_sequence < s.last_sequence
      order by e.id
      limit ${options.endpointLimit}
      for update of e skip locked`.execute(trx);
    let deliveries = 0;
    for (const endpoint of behind.rows) {
      const types = endpoint.event_types;
      const result = await sql<{ inserted: number }>`
        with batch as (
          select id, type, object_type, object_id, sequence from domain_events
          where tenant_id = ${endpoint.tenant_id} and sequence > ${endpoint.cursor_sequence}
          order by sequence limit ${options.eventLimit}
        ), inserted as (
          insert into webhook_deliveries
            (id, endpoint_id, tenant_id, webhook_id, domain_event_id, event_type, object_type, object_id, sequence, status, next_attempt_at, created_at)
          select 'wdl_' || substr(md5(random()::text || b.id), 1, 20), ${endpoint.id}, ${endpoint.tenant_id}, b.id, b.id, b.type,
                 b.object_type, b.object_id, b.sequence, 'pending', ${options.now}, ${options.now}
          from batch b
          where ${types === null ? sql`true` : sql`b.type = any(${types}::text[])`}
          on conflict do nothing
          returning 1
        ), moved as (
          update webhook_endpoints set cursor_sequence = (select max(sequence) from batch)
          where id = ${endpoint.id} and exists (select 1 from batch)
          returning 1
        )
        select (select count(*) from inserted)::int as inserted`.execute(trx);
      deliveries += Number(result.rows[0]?.inserted ?? 0);
    }
    return { endpoints: behind.rows.length, deliveries };
  });
}

/** A delivery without a domain event behind it (a `ping`), queued to send now. */
export async function insertStandaloneDelivery(
  db: Db,
  values: { endpointId: string; tenantId: string; eventType: string; payload: string; webhookId: string; now: Date },
): Promise<WebhookDeliveryRow> {
  const id = newId('webhookDelivery');
  return db
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: values.endpointId,
      tenant_id: values.tenantId,
      webhook_id: values.webhookId,
      domain_event_id: null,
      event_type: values.eventType,
      // Its own object, so it waits behind nothing and holds nothing up.
      object_type: 'webhook_delivery',
      object_id: id,
      sequence: 0,
      payload: values.payload,
      status: 'pending',
      next_attempt_at: values.now,
      created_at: values.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------
// The delivery queue
// ---------------------------------------------------------------------------------------------

/** A claimed delivery with what sending it needs: the endpoint and the domain event behind it. */
export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  webhook_id: string;
  event_type: string;
  object_type: string;
  object_id: string;
  sequence: number;
  payload: string | null;
  attempts: number;
  url: string;
  secrets_version: number;
  event_snapshot: unknown;
  event_created_at: Date | null;
  stripe_event_id: string | null;
  connection_id: string | null;
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  leaseMs: number;
  limit: number;
  /** At most this many per endpoint in one claim; 1 while its circuit is half-open (a probe). */
  perEndpoint: number;
  /** Endpoints whose deliveries this process has enough of in flight already. */
  skipEndpoints: readonly string[];
  /** Consecutive failures from which an endpoint's circuit is open (only probes go through). */
  breakerThreshold: number;
}

/**
 * Claims due deliveries with a lease (SKIP LOCKED: several processes never take the same one; a
 * crashed worker's deliveries come back when the lease ends). A delivery is due only if no older
 * delivery of the same object to the same endpoint is unfinished, so one object's changes reach an
 * endpoint in domain event order. Endpoints disabled or with an open circuit are skipped, so they
 * never hold up the others.
 */
export async function claimDeliveries(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const result = await sql<ClaimedDelivery>`
    with endpoints as (
      select e.id, case when e.consecutive_failures >= ${options.breakerThreshold} then 1 else ${options.perEndpoint} end as cap
      from webhook_endpoints e
      where e.status = 'enabled'
        and (e.circuit_open_until is null or e.circuit_open_until <= ${options.now})
        and e.id <> all(${[...options.skipEndpoints]}::text[])
    ), ranked as (
      -- Up to each endpoint's cap from every endpoint, so one endpoint's backlog never fills a claim.
      select picked.id, picked.next_attempt_at
      from endpoints
      cross join lateral (
        select d.id, d.next_attempt_at from webhook_deliveries d
        where d.endpoint_id = endpoints.id
          and d.status in ('pending', 'delivering')
          and d.next_attempt_at <= ${options.now}
          and (d.status = 'pending' or d.locked_until < ${options.now})
          and not exists (
            select 1 from webhook_deliveries p
            where p.endpoint_id = d.endpoint_id and p.object_type = d.object_type and p.object_id = d.object_id
              and p.status in ('pending', 'delivering') and p.sequence < d.sequence
          )
        order by d.next_attempt_at
        limit endpoints.cap
      ) picked
    ), claimed as (
      update webhook_deliveries w
      set status = 'delivering', locked_by = ${options.workerId}, locked_until = ${leaseUntil}, attempts = w.attempts + 1
      where w.id in (
        select x.id from webhook_deliveries x
        where x.id in (select id from ranked order by next_attempt_at limit ${options.limit})
          and x.next_attempt_at <= ${options.now}
          and (x.status = 'pending' or (x.status = 'delivering' and x.locked_until < ${options.now}))
        for update skip locked
      )
      returning w.*
    )
    select c.id, c.endpoint_id, c.tenant_id, c.webhook_id, c.event_type, c.object_type, c.object_id, c.sequence, c.payload,
           c.attempts, e.url, e.secrets_version, de.snapshot as event_snapshot, de.created_at as event_created_at,
           de.stripe_event_id, de.connection_id
    from claimed c
    join webhook_endpoints e on e.id = c.endpoint_id
    left join domain_events de on de.id = c.domain_event_id`.execute(db);
  return result.rows.map((row) => ({ ...row, sequence: Number(row.sequence), attempts: Number(row.attempts) }));
}

/** What one attempt came to, and what the delivery becomes. */
export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  attempt: number;
  startedAt: Date;
  statusCode: number | null;
  responseMs: number;
  responseBody: string | null;
  error: string | null;
  succeeded: boolean;
  /** pending (retry at nextAttemptAt), succeeded or failed (gave up). */
  status: Exclude<WebhookDeliveryStatus, 'delivering'>;
  nextAttemptAt: Date | null;
  finishedAt: Date;
}

/**
 * Records a batch of attempts: every attempt row (it happened, even if the lease was lost
 * meanwhile), the deliveries still leased to this worker, and each endpoint's health.
 * Returns the endpoints whose health row changed, with their failure streak start.
 */
export async function recordAttempts(
  db: Db,
  workerId: string,
  outcomes: readonly AttemptOutcome[],
  breaker: { threshold: number; baseOpenSeconds: number; maxOpenSeconds: number; now: Date },
): Promise<{ id: string; tenant_id: string; failing_since: Date | null; status: string }[]> {
  if (outcomes.length === 0) return [];
  const attempts = outcomes.map((o) => ({
    id: newId('webhookAttempt'),
    delivery_id: o.deliveryId,
    attempt: o.attempt,
    started_at: o.startedAt.toISOString(),
    status_code: o.statusCode,
    response_ms: o.responseMs,
    response_body: o.responseBody,
    error: o.error,
  }));
  const deliveries = outcomes.map((o) => ({
    id: o.deliveryId,
    status: o.status,
    next_attempt_at: o.nextAttemptAt?.toISOString() ?? null,
    status_code: o.statusCode,
    response_ms: o.responseMs,
    response_body: o.responseBody,
    error: o.error,
    finished_at: o.status === 'pending' ? null : o.finishedAt.toISOString(),
  }));
  const health = endpointHealth(outcomes);
  // One statement (data-modifying CTEs run to completion whether read or not): a round trip per
  // batch instead of five, which is what bounds throughput against a fast receiver.
  const changed = await sql<{ id: string; tenant_id: string; failing_since: Date | null; status: string }>`
    with recorded as (
      insert into webhook_delivery_attempts (id, delivery_id, attempt, started_at, status_code, response_ms, response_body, error)
      select v.id, v.delivery_id, v.attempt, v.started_at, v.status_code, v.response_ms, v.response_body, v.error
      from jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb)
        as v(id text, delivery_id text, attempt int, started_at timestamptz, status_code int, response_ms int, response_body text, error text)
      where exists (select 1 from webhook_deliveries d where d.id = v.delivery_id)
    ), finished as (
      update webhook_deliveries d
      set status = v.status, next_attempt_at = v.next_attempt_at, locked_by = null, locked_until = null,
          last_status_code = v.status_code, last_response_ms = v.response_ms, last_response_body = v.response_body,
          last_error = v.error, finished_at = v.finished_at
      from jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb)
        as v(id text, status text, next_attempt_at timestamptz, status_code int, response_ms int, response_body text, error text, finished_at timestamptz)
      where d.id = v.id and d.locked_by = ${workerId} and d.status = 'delivering'
    ), health as (
      select v.id,
             case when v.succeeded then v.failures_after else e2.consecutive_failures + v.failures_after end as failures,
             case when v.succeeded then v.first_failure_after else coalesce(e2.failing_since, v.first_failure_after) end as since
      from jsonb_to_recordset(${JSON.stringify(health)}::jsonb)
        as v(id text, succeeded boolean, failures_after int, first_failure_after timestamptz)
      join webhook_endpoints e2 on e2.id = v.id
    )
    update webhook_endpoints e
    set consecutive_failures = n.failures,
        failing_since = n.since,
        circuit_open_until = case when n.failures >= ${breaker.threshold}
          then ${breaker.now}::timestamptz + make_interval(secs => least(${breaker.maxOpenSeconds},
                 ${breaker.baseOpenSeconds} * power(2, least(10, n.failures / ${breaker.threshold} - 1))))
          else null end
    from health n
    where e.id = n.id
      and not (n.failures = 0 and e.consecutive_failures = 0 and e.failing_since is null and e.circuit_open_until is null)
    returning e.id, e.tenant_id, e.failing_since, e.status`.execute(db);
  return changed.rows;
}

/** Per endpoint: whether any attempt succeeded, and the failures after the last success (their streak). */
function endpointHealth(outcomes: readonly AttemptOutcome[]) {
  const byEndpoint = new Map<string, { succeeded: boolean; failures_after: number; first_failure_after: string | null }>();
  const ordered = [...outcomes].sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
  for (const outcome of ordered) {
    const entry = byEndpoint.get(outcome.endpointId) ?? { succeeded: false, failures_after: 0, first_failure_after: null };
    if (outcome.succeeded) {
      entry.succeeded = true;
      entry.failures_after = 0;
      entry.first_failure_after = null;
    } else {
      entry.failures_after += 1;
      entry.first_failure_after ??= outcome.finishedAt.toISOString();
    }
    byEndpoint.set(outcome.endpointId, entry);
  }
  return [...byEndpoint].map(([id, entry]) => ({ id, ...entry }));
}

/** Gives claimed deliveries back untouched (shutdown before sending): due again at once, attempt not counted. */
export async function releaseDeliveries(db: Db, workerId: string, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ status: 'pending', locked_by: null, locked_until: null, next_attempt_at: now, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', [...ids])
    .where('locked_by', '=', workerId)
    .where('status', '=', 'delivering')
    .execute();
}

// ---------------------------------------------------------------------------------------------
// The delivery log
// ---------------------------------------------------------------------------------------------

export async function listEndpointDeliveries(
  db: Db,
  endpointId: string,
  filter: { status?: WebhookDeliveryStatus },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
}

export async function listDeliveryAttempts(db: Db, deliveryIds: readonly string[]): Promise<WebhookDeliveryAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', 'in', [...deliveryIds])
    .orderBy('delivery_id')
    .orderBy('attempt')
    .execute();
}

export async function findTenantDelivery(db: Db, tenantId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { ...row, sequence: Number(row.sequence) };
}

/** Queues a finished delivery again, with the same webhook-id; false while it is being sent or already queued. */
export async function requeueDelivery(db: Db, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, finished_at: null, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['succeeded', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deliveries per status for one endpoint (the dashboard's summary). */
export async function countEndpointDeliveries(db: Db, endpointId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('endpoint_id', '=', endpointId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
