import { expect, it } from 'vitest';
import { insertEvents, type IncomingEvent } from '../../src/store/events';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';

describeEachStore('the batch insert of events', (h) => {
  function event(connection: { id: string; tenant_id: string }, stripeEventId: string, payload: string): IncomingEvent {
    const now = new Date('2026-12-02T12:00:00.123Z');
    return {
      connection_id: connection.id,
      tenant_id: connection.tenant_id,
      stripe_event_id: stripeEventId,
      type: 'customer.updated',
      livemode: false,
      api_version: null,
      stripe_created: 1_764_676_800,
      object_id: 'cus_1',
      object_type: 'customer',
      payload,
      source: 'webhook',
      status: 'received',
      received_at: now,
      next_attempt_at: now,
    };
  }

  it('stores every payload byte for byte, however it is escaped, and skips duplicates in the batch', async () => {
    const { connection } = await insertTestConnection(h());
    // Quotes, backslashes, escaped control characters, a lone-looking surrogate escape, non-ASCII,
    // an empty object and a payload of nothing but separators' neighbours (U+001D, U+001F escaped).
    const payloads = [
      '{"name":"O\'Brien \\"Bob\\"","path":"C:\\\\tmp\\\\x","note":"line\\nbreak\\ttab"}',
      '{"emoji":"😀","accent":"é","escaped":"\\u001e\\u001d\\u001f","surrogate":"\\ud83d"}',
      '{}',
      JSON.stringify({ deep: { list: [1, 2, { three: 'x'.repeat(5_000) }] } }),
    ];
    const batch = payloads.map((payload, i) => event(connection, `evt_bytes_${i}`, payload));
    const stored = await insertEvents(h().ctx.store.db, [...batch, event(connection, 'evt_bytes_0', '{"second":"copy"}')]);

    expect([...stored].sort()).toEqual(payloads.map((_, i) => `${connection.id}/evt_bytes_${i}`).sort());
    const rows = await h()
      .ctx.store.db.selectFrom('events')
      .select(['stripe_event_id', 'payload', 'received_at'])
      .where('connection_id', '=', connection.id)
      .orderBy('stripe_event_id')
      .execute();
    expect(rows.map((row) => row.payload)).toEqual(payloads);
    expect(rows.map((row) => new Date(row.received_at).toISOString())).toEqual(payloads.map(() => '2026-12-02T12:00:00.123Z'));
  });

  it('refuses a payload holding a raw U+001E and stores none of the batch', async () => {
    const { connection } = await insertTestConnection(h());
    const batch = [event(connection, 'evt_sep_ok', '{}'), event(connection, 'evt_sep_bad', '{"a":"\u001e"}')];
    await expect(insertEvents(h().ctx.store.db, batch)).rejects.toThrow('raw U+001E');
    const count = await h()
      .ctx.store.db.selectFrom('events')
      .where('connection_id', '=', connection.id)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});
