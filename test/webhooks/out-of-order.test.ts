import { expect, it } from 'vitest';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

type Step = { type: string; created: number; object: Record<string, unknown>; previous?: Record<string, unknown> };

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const t0 = 1_760_000_000;
const sub = (status: string, extra: Record<string, unknown> = {}) => ({ object: 'subscription', status, metadata: {}, ...extra });
const product = (name: string, extra: Record<string, unknown> = {}) => ({ object: 'product', name, active: true, metadata: {}, ...extra });

const sequences: Record<string, Step[]> = {
  'subscription, same-second updates': [
    { type: 'customer.subscription.created', created: t0, object: sub('incomplete') },
    { type: 'customer.subscription.updated', created: t0 + 1, object: sub('active'), previous: { status: 'incomplete' } },
    { type: 'customer.subscription.updated', created: t0 + 2, object: sub('past_due'), previous: { status: 'active' } },
    { type: 'customer.subscription.updated', created: t0 + 2, object: sub('canceled'), previous: { status: 'past_due' } },
  ],
  'subscription, delete then a late update': [
    { type: 'customer.subscription.created', created: t0, object: sub('trialing') },
    { type: 'customer.subscription.updated', created: t0 + 2, object: sub('past_due'), previous: { status: 'trialing' } },
    { type: 'customer.subscription.deleted', created: t0 + 2, object: sub('canceled') },
    { type: 'customer.subscription.updated', created: t0 + 3, object: sub('active', { note: 'late' }), previous: { status: 'past_due' } },
  ],
  'product, same-second renames': [
    { type: 'product.created', created: t0, object: product('A') },
    { type: 'product.updated', created: t0 + 1, object: product('B'), previous: { name: 'A' } },
    { type: 'product.updated', created: t0 + 1, object: product('C'), previous: { name: 'B' } },
  ],
  'product, delete then a late update': [
    { type: 'product.created', created: t0, object: product('A') },
    { type: 'product.updated', created: t0 + 2, object: product('C'), previous: { name: 'A' } },
    { type: 'product.deleted', created: t0 + 2, object: product('C', { deleted: true }) },
    { type: 'product.updated', created: t0 + 3, object: product('D'), previous: { name: 'C' } },
  ],
};

/**
 * Delivers every permutation of each sequence, each permutation to its own object id, one step at a
 * time with the worker draining between steps (so processing order really is the delivery order),
 * and compares each final stored object with the in-order result.
 */
async function finalStates(h: TestHarness, steps: Step[], label: string) {
  const { connection, secret } = await insertTestConnection(h);
  const orders = permutations(steps.map((_, i) => i));
  const worker = new EventWorker(h.ctx, { batchSize: 500 });
  const prefix = label.startsWith('product') ? 'prod' : 'sub';
  const objectId = (p: number) => `${prefix}_${label.replace(/\W/g, '').slice(0, 12)}${p}`;
  for (let position = 0; position < steps.length; position++) {
    for (const [p, order] of orders.entries()) {
      const step = steps[order[position]!]!;
      const event = stripeEvent(
        step.type,
        { ...step.object, id: objectId(p) },
        { id: `evt_${objectId(p)}_${order[position]}`, created: step.created, previous: step.previous },
      );
      const response = await deliver(h, connection.id, event, { secrets: [secret] });
      expect(response.status).toBe(200);
    }
    await worker.drain();
  }
  const rows = await h.ctx.store.db
    .selectFrom('stripe_objects')
    .select(['stripe_id', 'data', 'deleted', 'status'])
    .where('connection_id', '=', connection.id)
    .execute();
  const byId = new Map(rows.map((row) => [row.stripe_id, row]));
  return orders.map((order, p) => {
    const row = byId.get(objectId(p))!;
    const { id: _id, ...data } = row.data;
    return { order: order.join(''), state: { data, deleted: row.deleted, status: row.status } };
  });
}

describeEachStore('out-of-order delivery', (h) => {
  for (const [label, steps] of Object.entries(sequences)) {
    it(`${label}: every permutation ends in the in-order state`, async () => {
      const results = await finalStates(h(), steps, label);
      const inOrder = results.find((result) => result.order === steps.map((_, i) => i).join(''))!;
      const last = steps.at(-1)!;
      if (label.includes('delete')) {
        expect(inOrder.state.deleted).toBe(true);
        expect(inOrder.state.data.note).toBeUndefined();
        expect(inOrder.state.data.name ?? inOrder.state.data.status).not.toBe(last.object.name ?? 'late');
      } else {
        expect(inOrder.state.data).toEqual(last.object);
      }
      for (const result of results) expect(result.state, `order ${result.order}`).toEqual(inOrder.state);
    }, 120_000);
  }
});

describeEachStore('terminal states', (h) => {
  it('a later non-terminal version (requires_action at t0+5) never replaces a stored terminal one (succeeded at t0), in either order', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const steps = [
      { type: 'payment_intent.succeeded', created: t0, status: 'succeeded' },
      { type: 'payment_intent.requires_action', created: t0 + 5, status: 'requires_action' },
    ];
    const worker = new EventWorker(h().ctx);
    for (const [p, order] of [
      [0, 1],
      [1, 0],
    ].entries()) {
      const id = `pi_terminal${p}`;
      // One delivery at a time, drained in between, so the processing order is the delivery order.
      for (const index of order) {
        const step = steps[index]!;
        const event = stripeEvent(
          step.type,
          { id, object: 'payment_intent', status: step.status, amount: 2000, currency: 'usd', metadata: {} },
          { id: `evt_${id}_${index}`, created: step.created },
        );
        expect((await deliver(h(), connection.id, event, { secrets: [secret] })).status).toBe(200);
        await worker.drain();
      }
      const row = await h()
        .ctx.store.db.selectFrom('stripe_objects')
        .select(['status', 'version_event_id'])
        .where('connection_id', '=', connection.id)
        .where('stripe_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row, `order ${order.join('')}`).toEqual({ status: 'succeeded', version_event_id: `evt_${id}_0` });
    }
  });
});
