import { expect, it } from 'vitest';
import { EventWorker } from '../../src/webhooks/worker';
import { describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { deliver, stripeEvent } from '../support/webhook-delivery';

describeEachStore('event log API', (h) => {
  it('lists, filters, pages, shows detail with attempts, and replays idempotently', async () => {
    const { connection, secret, tenantId } = await insertTestConnection(h());
    const base = `/api/v1/tenants/${tenantId}/events`;
    for (let i = 0; i < 5; i++) {
      await deliver(h(), connection.id, stripeEvent('customer.created', { id: `cus_log${i}`, object: 'customer', metadata: {} }), {
        secrets: [secret],
      });
    }
    await deliver(h(), connection.id, stripeEvent('invoice.finalized', { id: 'in_log', object: 'invoice', status: 'open', metadata: {} }), {
      secrets: [secret],
    });
    await new EventWorker(h().ctx).drain();

    const all = await h().api('GET', `${base}?limit=4`);
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(4);
    expect(all.body.data[0].type).toBe('invoice.finalized');
    const rest = await h().api('GET', `${base}?limit=4&cursor=${all.body.next_cursor}`);
    expect(rest.body.data).toHaveLength(2);
    expect(rest.body.next_cursor).toBeNull();
    const ids = [...all.body.data, ...rest.body.data].map((e: any) => e.id);
    expect(new Set(ids).size).toBe(6);

    const ignored = await h().api('GET', `${base}?status=ignored`);
    expect(ignored.body.data).toEqual([
      expect.objectContaining({
        type: 'invoice.finalized',
        status: 'ignored',
        status_reason: expect.stringMatching(/does not handle invoice.finalized/),
      }),
    ]);
    const byType = await h().api('GET', `${base}?type=customer.created&connection_id=${connection.id}`);
    expect(byType.body.data).toHaveLength(5);
    expect(byType.body.data.every((e: any) => e.status === 'processed')).toBe(true);

    const detail = await h().api('GET', `${base}/${byType.body.data[0].id}`);
    expect(detail.body.payload.type).toBe('customer.created');
    expect(detail.body.attempts_log).toEqual([expect.objectContaining({ attempt: 1, outcome: 'processed' })]);

    const replay = await h().api('POST', `${base}/${detail.body.id}/replay`);
    expect(replay.body.status).toBe('received');
    await new EventWorker(h().ctx).drain();
    const replayed = await h().api('GET', `${base}/${detail.body.id}`);
    expect(replayed.body.status).toBe('processed');
    expect(replayed.body.attempts_log).toHaveLength(2);
    const objects = await h()
      .ctx.store.db.selectFrom('stripe_objects')
      .select('stripe_id')
      .where('connection_id', '=', connection.id)
      .execute();
    expect(objects).toHaveLength(5); // unhandled types are not applied to the object store

    const many = await h().api('POST', `${base}/replay`, { type: 'customer.created' });
    expect(many.body.requeued).toBe(5);
    const unfiltered = await h().api('POST', `${base}/replay`, {});
    expect(unfiltered.status).toBe(422);
    const badStatus = await h().api('GET', `${base}?status=exploded`);
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.error.field).toBe('status');
    expect((await h().api('GET', `${base}/ev_missing`)).status).toBe(404);
  });

  it('retries a failing event with backoff and marks it dead with the reason after the last attempt', async () => {
    const { connection, secret, tenantId } = await insertTestConnection(h());
    const { HandlerRegistry } = await import('../../src/handlers/registry');
    const registry = new HandlerRegistry().on('test', ['customer.created'], async () => {
      throw new Error('downstream exploded');
    });
    await deliver(h(), connection.id, stripeEvent('customer.created', { id: 'cus_fail', object: 'customer', metadata: {} }), {
      secrets: [secret],
    });
    const worker = new EventWorker(h().ctx, { registry, retry: { baseMs: 1, maxMs: 2, maxAttempts: 3 } });
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await worker.drain();
    }
    const [event] = (await h().api('GET', `/api/v1/tenants/${tenantId}/events?connection_id=${connection.id}`)).body.data;
    expect(event).toMatchObject({ status: 'dead', attempts: 3, last_error: 'downstream exploded' });
    const detail = await h().api('GET', `/api/v1/tenants/${tenantId}/events/${event.id}`);
    expect(detail.body.attempts_log.map((a: any) => a.outcome)).toEqual(['failed', 'failed', 'dead']);
  });
});
