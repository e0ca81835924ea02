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
