import pg from 'pg';

export interface PipelineAudit {
  /** Events of the connection stored in all. */
  stored: number;
  /** Acknowledged ids with no stored row, or with more than one. */
  missing: number;
  duplicates: number;
  /** Events still to process (received or failed). */
  pending: number;
  /** Events applied more than once: more than one attempt record with a final outcome (processed, ignored). */
  appliedTwice: number;
  /** Events finished with no applied attempt (dead, paused) or still pending. */
  notApplied: number;
  /** Events claimed more than once (a failure retried, or a lease that expired). */
  retried: number;
  /** Final statuses and their counts. */
  statuses: Record<string, number>;
  /** First delivery stored → last event processed, in seconds. */
  spanSeconds: number;
  /** Receipt → processed, per event (ms): the processing lag. */
  lagP50: number;
  lagP99: number;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** How many of the connection's events are still waiting to be processed. */
export function pendingEvents(url: string, connectionId: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from events where connection_id = $1 and status in ('received', 'failed')`,
      [connectionId],
    );
    return rows[0]!.n;
  });
}

/**
 * What the pipeline did with one connection's deliveries, read from the store after the load: each
 * acknowledged id stored once (no loss), each event applied by exactly one attempt (no double
 * processing: the worker writes an event's attempt record in the transaction that applies its
 * effects, so a second application would leave a second record with a final outcome), and the lag.
 */
export function auditPipeline(url: string, connectionId: string, ackedIds: readonly string[]): Promise<PipelineAudit> {
  return withClient(url, async (client) => {
    const events = await client.query<{ stripe_event_id: string; n: number }>(
      'select stripe_event_id, count(*)::int as n from events where connection_id = $1 group by stripe_event_id',
      [connectionId],
    );
    const stored = new Map(events.rows.map((row) => [row.stripe_event_id, row.n]));
    let missing = 0;
    let duplicates = 0;
    for (const id of ackedIds) {
      const count = stored.get(id) ?? 0;
      if (count === 0) missing += 1;
      if (count > 1) duplicates += 1;
    }
    const summary = await client.query<{
      pending: number;
      applied_twice: number;
      not_applied: number;
      retried: number;
      span: number;
      lag_p50: number;
      lag_p99: number;
    }>(
      `with per_event as (
         select e.id, e.status, e.attempts, e.received_at, e.processed_at,
                count(a.id) filter (where a.outcome in ('processed', 'ignored'))::int as applied
         from events e left join event_attempts a on a.event_id = e.id
         where e.connection_id = $1
         group by e.id, e.status, e.attempts, e.received_at, e.processed_at)
       select count(*) filter (where status in ('received', 'failed'))::int as pending,
              count(*) filter (where applied > 1)::int as applied_twice,
              count(*) filter (where applied = 0)::int as not_applied,
              count(*) filter (where attempts > 1)::int as retried,
              coalesce(extract(epoch from max(processed_at) - min(received_at)), 0)::float8 as span,
              coalesce(percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at) * 1000), 0)::float8 as lag_p50,
              coalesce(percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at) * 1000), 0)::float8 as lag_p99
       from per_event`,
      [connectionId],
    );
    const statuses = await client.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from events where connection_id = $1 group by status',
      [connectionId],
    );
    const row = summary.rows[0]!;
    return {
      stored: events.rows.reduce((sum, r) => sum + r.n, 0),
      missing,
      duplicates,
      pending: row.pending,
      appliedTwice: row.applied_twice,
      notApplied: row.not_applied,
      retried: row.retried,
      statuses: Object.fromEntries(statuses.rows.map((s) => [s.status, s.n])),
      spanSeconds: row.span,
      lagP50: row.lag_p50,
      lagP99: row.lag_p99,
    };
  });
}
