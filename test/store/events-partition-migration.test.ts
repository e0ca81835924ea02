import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertConnection } from '../../src/store/connections';
import { insertEvents } from '../../src/store/events';
import { installJobQueueSchema } from '../../src/store/jobs';
import { migrateOrThrow, migrateUpTo } from '../../src/store/migrations';
import { insertTenant } from '../../src/store/tenants';
import { manualConnectionRow } from '../support/test-connections';
import { openTestStore } from '../support/test-store';

describe('migration 0230 converts a populated events table to monthly partitions [postgres]', () => {
  it('keeps every row and attempt, files each in its month, and keeps refusing the duplicates it held', async () => {
    const store = await openTestStore('postgres', { empty: true });
    try {
      const db = store.db;
      await installJobQueueSchema(db);
      await migrateUpTo(db, '0203-catalog-millisecond-timestamps');
      const tenant = await insertTenant(db, 'Before partitions');
      await insertConnection(db, manualConnectionRow({ id: 'con_legacy', tenantId: tenant.id, name: 'Legacy', secretKeySealed: 'sealed' }));
      // 120 events over three months, written through the old table's SQL, and one attempt each.
      const months = ['2025-10-15T10:00:00Z', '2025-11-15T10:00:00Z', '2025-12-31T23:59:59.999Z'];
      for (let i = 0; i < 120; i++) {
        const at = months[i % 3]!;
        await sql`
          insert into events (id, connection_id, tenant_id, stripe_event_id, type, livemode, stripe_created, object_id, object_type,
                              payload, source, status, received_at, processed_at)
          values (${`evt_row${i}`}, 'con_legacy', ${tenant.id}, ${`evt_stripe${i}`}, 'customer.created', false, ${1_760_000_000 + i},
                  ${`cus_${i}`}, 'customer', ${`{"id":"evt_stripe${i}"}`}, 'webhook', ${i === 0 ? 'received' : 'processed'},
                  ${at}::timestamptz, ${i === 0 ? null : at}::timestamptz)`.execute(db);
        await sql`
          insert into event_attempts (id, event_id, attempt, outcome, started_at, finished_at)
          values (${`att_${i}`}, ${`evt_row${i}`}, 1, 'processed', ${at}::timestamptz, ${at}::timestamptz)`.execute(db);
      }

      expect(await migrateOrThrow(db)).toContain('0230-partitioned-events');

      const placed = await sql<{ partition: string; count: string }>`
        select tableoid::regclass::text as partition, count(*) as count from events group by 1 order by 1`.execute(db);
      expect(placed.rows.map((row) => [row.partition, Number(row.count)])).toEqual([
        ['events_p202510', 40],
        ['events_p202511', 40],
        ['events_p202512', 40],
      ]);
      const sample = await db.selectFrom('events').selectAll().where('id', '=', 'evt_row5').executeTakeFirstOrThrow();
      expect(sample).toMatchObject({ stripe_event_id: 'evt_stripe5', status: 'processed', payload: '{"id":"evt_stripe5"}' });
      expect(sample.received_at.toISOString()).toBe('2025-12-31T23:59:59.999Z');
      const attempts = await sql<{ partition: string; count: string }>`
        select tableoid::regclass::text as partition, count(*) as count from event_attempts group by 1 order by 1`.execute(db);
      expect(attempts.rows.map((row) => Number(row.count))).toEqual([40, 40, 40]);
      const attemptsOfTenant = await db.selectFrom('event_attempts').select('event_id').where('tenant_id', '=', tenant.id).execute();
      expect(attemptsOfTenant).toHaveLength(120);
      expect(Number((await sql<{ count: string }>`select count(*) as count from event_keys`.execute(db)).rows[0]!.count)).toBe(120);
      // The parent is partitioned by received_at, and this month and the next two exist ahead.
      const kind = await sql<{ relkind: string }>`select relkind from pg_class where oid = 'events'::regclass`.execute(db);
      expect(kind.rows[0]!.relkind).toBe('p');
      const now = new Date();
      const current = `events_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const exists = await sql<{ name: string | null }>`select to_regclass(${current})::text as name`.execute(db);
      expect(exists.rows[0]!.name).toBe(current);

      // A redelivery of an event stored before the migration is refused; a new one is stored.
      const delivery = (stripeEventId: string) => ({
        connection_id: 'con_legacy',
        tenant_id: tenant.id,
        stripe_event_id: stripeEventId,
        type: 'customer.created',
        livemode: false,
        api_version: null,
        stripe_created: 1_760_000_000,
        object_id: 'cus_0',
        object_type: 'customer',
        payload: '{}',
        source: 'webhook' as const,
        status: 'received' as const,
        received_at: now,
        next_attempt_at: now,
      });
      const stored = await insertEvents(db, [delivery('evt_stripe7'), delivery('evt_after_migration'), delivery('evt_after_migration')]);
      expect([...stored]).toEqual(['con_legacy/evt_after_migration']);
      expect(Number((await sql<{ count: string }>`select count(*) as count from events`.execute(db)).rows[0]!.count)).toBe(121);
      // The pending event is still in the queue (its partial index was rebuilt on every partition).
      const queued = await db
        .selectFrom('events')
        .select('stripe_event_id')
        .where('status', '=', 'received')
        .orderBy('received_at')
        .execute();
      expect(queued.map((row) => row.stripe_event_id)).toEqual(['evt_stripe0', 'evt_after_migration']);
    } finally {
      await store.close();
    }
  });
});
