import { readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver } from '../support/webhook-delivery';

const corpusDir = new URL('../../../shared/stripe/events/', import.meta.url);

/**
 * Every real Stripe payload in the shared corpus, signed with the connection's secret, must be
 * acknowledged and end processed or ignored with a reason — never failed or dead. The corpus reuses
 * event ids across files (CORPUS.md), so later files with a known id are duplicates by design.
 */
describeEachStore('real Stripe event corpus', (h) => {
  it('acknowledges every file and ends each stored event processed or ignored with a reason', async () => {
    const files = readdirSync(corpusDir)
      .filter((name) => name.endsWith('.json'))
      .sort();
    expect(files.length).toBe(86);
    const { connection: test, secret: testSecret, tenantId } = await insertTestConnection(h(), { mode: 'test' });
    const { connection: live, secret: liveSecret } = await insertTestConnection(h(), { mode: 'live', tenantId });

    const answers: Record<string, number> = {};
    const ids = new Set<string>();
    for (const file of files) {
      const raw = readFileSync(new URL(file, corpusDir), 'utf8');
      const event = JSON.parse(raw) as { id: string; livemode?: boolean };
      const target = event.livemode ? { id: live.id, secret: liveSecret } : { id: test.id, secret: testSecret };
      // The bytes are sent exactly as stored, so the signature covers Stripe's own serialisation.
      const response = await deliver(h(), target.id, raw, { secrets: [target.secret] });
      expect(response.status, file).toBe(200);
      answers[response.body.duplicate ? 'duplicate' : 'stored'] = (answers[response.body.duplicate ? 'duplicate' : 'stored'] ?? 0) + 1;
      ids.add(`${target.id}/${event.id}`);
    }
    expect(answers.stored).toBe(ids.size);

    await new EventWorker(h().ctx, { batchSize: 100 }).drain();
    const rows = await h()
      .ctx.store.db.selectFrom('events')
      .select(['stripe_event_id', 'type', 'status', 'status_reason', 'last_error'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(rows).toHaveLength(ids.size);
    for (const row of rows) {
      expect(['processed', 'ignored'], `${row.type} ${row.stripe_event_id}: ${row.status} ${row.last_error ?? ''}`).toContain(row.status);
      if (row.status === 'ignored') expect(row.status_reason?.length ?? 0, row.type).toBeGreaterThan(20);
    }
    const byStatus = rows.reduce<Record<string, number>>((acc, row) => ({ ...acc, [row.status]: (acc[row.status] ?? 0) + 1 }), {});
    expect(byStatus.processed).toBeGreaterThan(10);
  });
});
