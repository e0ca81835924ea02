import { describe, expect, it } from 'vitest';
import { ObjectCreatedMeanwhile, ObjectVersions } from '../../src/store/stripe-objects';
import { createHarness, describeEachStore, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';

const customer = (name: string) => ({ id: 'cus_obj', object: 'customer', name });

async function storedCustomers(h: TestHarness, connectionId: string) {
  return h.ctx.store.db
    .selectFrom('stripe_objects')
    .select(['stripe_id', 'data', 'version_event_id'])
    .where('connection_id', '=', connectionId)
    .execute();
}

describeEachStore('object versions in one transaction', (h) => {
  it('applies several versions of one object in memory and stores only the newest, once', async () => {
    const { connection } = await insertTestConnection(h());
    const key = { connectionId: connection.id, stripeId: 'cus_obj' };
    const outcomes = await h()
      .ctx.store.db.transaction()
      .execute(async (trx) => {
        const versions = await ObjectVersions.lock(trx, [key]);
        const apply = (eventId: string, created: number, name: string) =>
          versions.apply({
            ...key,
            objectType: 'customer',
            version: { created, eventId, object: customer(name), previous: null, deleted: false },
          }).outcome;
        const seen = [
          apply('evt_2', 200, 'second'),
          apply('evt_1', 100, 'first'),
          apply('evt_3', 300, 'third'),
          apply('evt_3', 300, 'third'),
        ];
        await versions.write(trx);
        return seen;
      });
    expect(outcomes).toEqual(['created', 'superseded', 'updated', 'same_version']);
    expect(await storedCustomers(h(), connection.id)).toEqual([
      { stripe_id: 'cus_obj', data: customer('third'), version_event_id: 'evt_3' },
    ]);

    // A later transaction starts from the stored row: an older version is superseded, a newer one replaces it.
    const later = await h()
      .ctx.store.db.transaction()
      .execute(async (trx) => {
        const versions = await ObjectVersions.lock(trx, [key]);
        const old = versions.apply({
          ...key,
          objectType: 'customer',
          version: { created: 250, eventId: 'evt_0', object: customer('stale'), previous: null, deleted: false },
        });
        const fresh = versions.apply({
          ...key,
          objectType: 'customer',
          version: { created: 400, eventId: 'evt_4', object: customer('fourth'), previous: null, deleted: false },
        });
        await versions.write(trx);
        return [old.outcome, old.current.version_event_id, fresh.outcome];
      });
    expect(later).toEqual(['superseded', 'evt_3', 'updated']);
    expect((await storedCustomers(h(), connection.id))[0]!.data).toEqual(customer('fourth'));
  });

  it('recognises previous_attributes describing a stored version whose nested keys jsonb reordered', async () => {
    const { connection } = await insertTestConnection(h());
    const key = { connectionId: connection.id, stripeId: 'cus_obj' };
    const metadata = { zeta: '1', a: '2' }; // jsonb stores this as {"a": "2", "zeta": "1"}
    const applyIn = (eventId: string, object: Record<string, unknown>, previous: Record<string, unknown> | null) =>
      h()
        .ctx.store.db.transaction()
        .execute(async (trx) => {
          const versions = await ObjectVersions.lock(trx, [key]);
          const applied = versions.apply({
            ...key,
            objectType: 'customer',
            version: { created: 100, eventId, object, previous, deleted: false },
          });
          await versions.write(trx);
          return applied.outcome;
        });
    expect(await applyIn('evt_b', { ...customer('before'), metadata }, null)).toBe('created');
    // Same second, same lifecycle, smaller event id: only previous_attributes can tell it is newer.
    expect(await applyIn('evt_a', { ...customer('after'), metadata: {} }, { name: 'before', metadata })).toBe('updated');
    expect((await storedCustomers(h(), connection.id))[0]!.data).toEqual({ ...customer('after'), metadata: {} });
  });

  it('refuses to apply a version of an object that was not locked first', async () => {
    const { connection } = await insertTestConnection(h());
    await expect(
      h()
        .ctx.store.db.transaction()
        .execute(async (trx) => {
          const versions = await ObjectVersions.lock(trx, []);
          versions.apply({
            connectionId: connection.id,
            stripeId: 'cus_unlocked',
            objectType: 'customer',
            version: { created: 1, eventId: 'evt_x', object: customer('x'), previous: null, deleted: false },
          });
        }),
    ).rejects.toThrow(/cus_unlocked was not locked/);
  });
});

// Two transactions at once, on two connections.
describe('object versions under concurrency [postgres]', () => {
  it('an object created by another transaction between lock and write raises ObjectCreatedMeanwhile and keeps the other write', async () => {
    const h = await createHarness('postgres');
    try {
      const { connection } = await insertTestConnection(h);
      const key = { connectionId: connection.id, stripeId: 'cus_obj' };
      const version = (eventId: string, name: string) => ({
        ...key,
        objectType: 'customer',
        version: { created: 100, eventId, object: customer(name), previous: null, deleted: false },
      });
      const attempt = h.ctx.store.db.transaction().execute(async (trx) => {
        const versions = await ObjectVersions.lock(trx, [key]);
        versions.apply(version('evt_mine', 'mine'));
        // Meanwhile another transaction (another worker) creates the same object and commits.
        await h.ctx.store.db.transaction().execute(async (other) => {
          const theirs = await ObjectVersions.lock(other, [key]);
          theirs.apply(version('evt_theirs', 'theirs'));
          await theirs.write(other);
        });
        await versions.write(trx);
      });
      await expect(attempt).rejects.toBeInstanceOf(ObjectCreatedMeanwhile);
      expect(await storedCustomers(h, connection.id)).toEqual([
        { stripe_id: 'cus_obj', data: customer('theirs'), version_event_id: 'evt_theirs' },
      ]);
    } finally {
      await h.close();
    }
  });
});
