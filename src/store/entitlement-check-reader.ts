import { CompiledQuery } from 'kysely';
import { CallBatcher } from '../call-batcher';
import type { Db } from './database';
import type { EntitlementRow } from './subscriptions-schema';

export interface EntitlementCheckRead {
  /** Undefined when the tenant has no such customer. */
  readonly customerId: string | undefined;
  readonly rows: EntitlementRow[];
}

export type CustomerRef = { id: string } | { externalId: string };

interface PendingCheck {
  tenantId: string;
  customer: CustomerRef;
  key: string;
  resolve: (read: EntitlementCheckRead) => void;
  reject: (error: unknown) => void;
}

/**
 * The entitlement check's read, one statement for every check that arrives in the same turn of the
 * event loop. A platform calls the check on each of its own requests, so at a few thousand checks a
 * second most of the cost was per statement, not per row: PostgreSQL parsing and planning the same
 * join each time, pg building a result per query, and one socket write each way (the largest single
 * item in the check's CPU profile). Grouping them pays that once per batch, like the ingest's group
 * commit (src/webhooks/event-writer.ts, both through src/call-batcher.ts). Each check still reads the customer by its primary key or
 * (tenant_id, external_id) index and its rows by the entitlements' (customer_id, key) key: the
 * LATERAL subqueries keep every lookup an index probe whatever the batch size.
 *
 * The statement is written once as text: compiling the same query tree per call cost more than the read.
 */
const BATCH_SELECT = `
  select q.n::int as n, c.id as cid, e.customer_id, e.key, e.source_type, e.source_id, e.tenant_id, e.value, e.status,
    e.expires_at, e.period_end, e.reason, e.as_of, e.as_of_event_id, e.updated_at
  from unnest($1::text[], $2::text[], $3::text[], $4::bool[]) with ordinality as q(tenant_id, ref, key, by_id, n)
  cross join lateral (
    select id from customers where q.by_id and tenant_id = q.tenant_id and id = q.ref
    union all
    select id from customers where not q.by_id and tenant_id = q.tenant_id and external_id = q.ref
  ) c
  left join lateral (select * from entitlements where customer_id = c.id and key = q.key) e on true`;

type BatchRow = { n: number; cid: string } & { [K in keyof EntitlementRow]: EntitlementRow[K] | null };

/** More checks than this wait for the next statement, so one answer is never held behind thousands. */
const MAX_BATCH = 128;
/** Statements in flight at once per process; further checks queue and join the next batch. */
const MAX_IN_FLIGHT = 4;

export class EntitlementCheckReader {
  private readonly batcher = new CallBatcher<PendingCheck>({
    maxBatch: MAX_BATCH,
    maxInFlight: MAX_IN_FLIGHT,
    run: (batch) => this.run(batch),
  });

  constructor(private readonly db: Db) {}

  read(tenantId: string, customer: CustomerRef, key: string): Promise<EntitlementCheckRead> {
    return new Promise((resolve, reject) => this.batcher.add({ tenantId, customer, key, resolve, reject }));
  }

  private async run(batch: PendingCheck[]): Promise<void> {
    const column = <T>(pick: (check: PendingCheck) => T) => batch.map(pick);
    let rows: BatchRow[];
    try {
      rows = (
        await this.db.executeQuery<BatchRow>(
          CompiledQuery.raw(BATCH_SELECT, [
            column((check) => check.tenantId),
            column((check) => ('id' in check.customer ? check.customer.id : check.customer.externalId)),
            column((check) => check.key),
            column((check) => 'id' in check.customer),
          ]),
        )
      ).rows;
    } catch (error) {
      // A value PostgreSQL refuses (SQLSTATE class 22) fails the statement for the whole batch; then
      // each check runs alone, so only the one to blame fails. An outage fails them all at once.
      if (batch.length > 1 && isDataError(error)) {
        await Promise.all(batch.map((check) => this.run([check])));
        return;
      }
      for (const check of batch) check.reject(error);
      return;
    }
    const reads = batch.map(() => ({ customerId: undefined as string | undefined, rows: [] as EntitlementRow[] }));
    for (const { n, cid, ...row } of rows) {
      const read = reads[n - 1]!;
      read.customerId = cid;
      if (row.source_id !== null) read.rows.push(row as EntitlementRow);
    }
    batch.forEach((check, index) => check.resolve(reads[index]!));
  }
}

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
