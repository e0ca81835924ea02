import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';
import { signStripePayload } from '../../src/webhooks/signature';

describeEachStore('webhook route fuzzing', (h) => {
  it('never answers 5xx and never stores an unverified event, whatever the body and headers', async () => {
    const { connection } = await insertTestConnection(h());
    const now = Math.floor(Date.now() / 1000);
    const header = fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 200 }),
      fc
        .tuple(fc.integer({ min: 0, max: 2 * now }), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 70 }))
        .map(([t, v]) => `t=${t},v1=${v}`),
      fc.string({ maxLength: 60 }).map((s) => `t=${now},v1=${'a'.repeat(64)},${s}`),
    );
    const body = fc.oneof(
      fc.string({ maxLength: 500 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ id: fc.string(), type: fc.string(), created: fc.anything(), data: fc.anything() }).map((v) => JSON.stringify(v)),
    );
    const connectionId = fc.oneof(fc.constant(connection.id), fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(connectionId, body, header, async (id, payload, signature) => {
        const response = await deliver(h(), id, payload, { header: signature });
        expect(response.status).toBeLessThan(500);
        expect(response.status).not.toBe(200);
        expect(response.body.error.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 150 },
    );
    const stored = await h().ctx.store.db.selectFrom('events').select('id').where('connection_id', '=', connection.id).execute();
    expect(stored).toHaveLength(0);
  });

  it('answers 4xx, never 5xx, for validly signed bodies that are not Stripe events', async () => {
    const { connection, secret } = await insertTestConnection(h());
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 300 })), async (payload) => {
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await deliver(h(), connection.id, payload, { header: signStripePayload(payload, [secret], timestamp) });
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
    // A well-formed signed event still goes through after all that noise.
    const ok = await deliver(h(), connection.id, stripeEvent('customer.created', { id: 'cus_after', object: 'customer' }), {
      secrets: [secret],
    });
    expect(ok.status).toBe(200);
  });
});
