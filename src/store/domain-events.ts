import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type { DomainEventRow } from './domain-events-schema';

export interface NewDomainEvent {
  tenantId: string;
  type: string;
  objectType: string;
  objectId: string;
  snapshot: unknown;
  stripeEventId: string | null;
  connectionId: string | null;
}

/**
 * Appends domain events in the caller's transaction, numbering them per tenant. Tenants are taken in
 * sorted order so two transactions writing for the same tenants never wait on each other in a cycle;
 * the sequence row stays locked until commit, which makes numbers follow commit order (see 0010).
 */
export async function appendDomainEvents(trx: Db, events: readonly NewDomainEvent[], now: Date): Promise<DomainEventRow[]> {
  const byTenant = new Map<string, NewDomainEvent[]>();
  for (const event of events) byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), event]);
  const written: DomainEventRow[] = [];
  for (const tenantId of [...byTenant.keys()].sort()) {
    const batch = byTenant.get(tenantId)!;
    const { last_sequence } = await trx
      .insertInto('domain_event_sequences')
      .values({ tenant_id: tenantId, last_sequence: batch.length })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ last_sequence: sql`domain_event_sequences.last_sequence + ${batch.length}` }),
      )
      .returning('last_sequence')
      .executeTakeFirstOrThrow();
    const first = Number(last_sequence) - batch.length + 1;
    const rows = await trx
      .insertInto('domain_events')
      .values(
        batch.map((event, index) => ({
          id: newId('domainEvent'),
          tenant_id: tenantId,
          sequence: first + index,
          type: event.type,
          object_type: event.objectType,
          object_id: event.objectId,
          snapshot: JSON.stringify(event.snapshot),
          stripe_event_id: event.stripeEventId,
          connection_id: event.connectionId,
          created_at: now,
        })),
      )
      .returningAll()
      .execute();
    written.push(...rows);
  }
  return written;
}

/** A tenant's domain events after `afterSequence`, oldest first: what a consumer reads to catch up. */
export async function listDomainEventsAfter(
  db: Db,
  tenantId: string,
  afterSequence: number,
  options: { limit: number; types?: readonly string[] },
): Promise<DomainEventRow[]> {
  let query = db
    .selectFrom('domain_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('sequence', '>', afterSequence)
    .orderBy('sequence')
    .limit(options.limit);
  if (options.types && options.types.length > 0) query = query.where('type', 'in', options.types);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
}
