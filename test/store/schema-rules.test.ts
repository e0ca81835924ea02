import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/test-context';

/**
 * Rules every table follows, checked on the migrated schema so that a table added later is held to
 * them too.
 */
describeEachStore('schema rules', (h) => {
  it('every created_at and received_at column holds milliseconds, the precision list cursors carry', async () => {
    const columns = await sql<{ table_name: string; column_name: string; datetime_precision: number }>`
      select table_name, column_name, datetime_precision from information_schema.columns
      where table_schema = current_schema() and column_name in ('created_at', 'received_at')
        and data_type = 'timestamp with time zone'`.execute(h().ctx.store.db);
    expect(columns.rows.length).toBeGreaterThan(5);
    const wrong = columns.rows.filter((column) => column.datetime_precision !== 3).map((c) => `${c.table_name}.${c.column_name}`);
    expect(wrong, 'declare them timestamptz(3), or call useMillisecondTimestamps in a migration').toEqual([]);
  });

  it('a list walked page by page returns rows written within one millisecond exactly once', async () => {
    // Three tenants whose times differ only in microseconds, as now() would write them.
    const db = h().ctx.store.db;
    const stamps = ['2026-03-01 10:00:00.000100+00', '2026-03-01 10:00:00.000400+00', '2026-03-01 10:00:00.000900+00'];
    const ids = stamps.map((_, i) => `ten_microsecond${i}`);
    for (const [i, stamp] of stamps.entries()) {
      await sql`insert into tenants (id, name, created_at) values (${ids[i]}, ${`Micro ${i}`}, ${stamp}::timestamptz)`.execute(db);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const response: { status: number; body: any } = await h().api('GET', `/api/v1/tenants?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.data.map((tenant: { id: string }) => tenant.id));
      cursor = response.body.next_cursor;
      if (!cursor) break;
    }
    expect(seen.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
