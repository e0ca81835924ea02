import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';

/** Rejection counts for a tenant's connections (unknown-connection rejections belong to no tenant). */
export async function listRejectionCounts(db: Db, tenantId: string) {
  return db
    .selectFrom('webhook_rejection_counts as r')
    .innerJoin('connections as c', 'c.id', 'r.connection_id')
    .select(['r.connection_id', 'r.reason', 'r.count', 'r.last_at'])
    .where('c.tenant_id', '=', tenantId)
    .orderBy('r.last_at', 'desc')
    .execute();
}

export async function listRejectionSamples(db: Db, tenantId: string, limit: number) {
  return db
    .selectFrom('webhook_rejections as r')
    .innerJoin('connections as c', 'c.id', 'r.connection_id')
    .select(['r.connection_id', 'r.reason', 'r.detail', 'r.received_at'])
    .where('c.tenant_id', '=', tenantId)
    .orderBy('r.received_at', 'desc')
    .limit(limit)
    .execute();
}

export interface RejectionCount {
  connectionId: string;
  reason: string;
  count: number;
  lastAt: Date;
}

export interface RejectionSample {
  connectionId: string | null;
  reason: string;
  detail: string;
  at: Date;
}

/** Adds counts in one statement; each (connection, reason) appears at most once in `counts`. */
export async function addRejectionCounts(db: Db, counts: readonly RejectionCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db
    .insertInto('webhook_rejection_counts')
    .values(counts.map((entry) => ({ connection_id: entry.connectionId, reason: entry.reason, count: entry.count, last_at: entry.lastAt })))
    .onConflict((oc) =>
      oc.columns(['connection_id', 'reason']).doUpdateSet({
        count: sql`webhook_rejection_counts.count + excluded.count`,
        last_at: sql`greatest(webhook_rejection_counts.last_at, excluded.last_at)`,
      }),
    )
    .execute();
}

export async function insertRejectionSamples(db: Db, samples: readonly RejectionSample[]): Promise<void> {
  if (samples.length === 0) return;
  await db
    .insertInto('webhook_rejections')
    .values(
      samples.map((sample) => ({
        id: newId('rejection'),
        connection_id: sample.connectionId,
        reason: sample.reason,
        detail: sample.detail,
        received_at: sample.at,
      })),
    )
    .execute();
}

/** Deletes samples received and counts last touched before the given times; returns rows deleted. */
export async function pruneRejections(db: Db, before: { samples: Date; counts: Date }): Promise<number> {
  const samples = await db.deleteFrom('webhook_rejections').where('received_at', '<', before.samples).executeTakeFirst();
  const counts = await db.deleteFrom('webhook_rejection_counts').where('last_at', '<', before.counts).executeTakeFirst();
  return Number(samples.numDeletedRows) + Number(counts.numDeletedRows);
}
