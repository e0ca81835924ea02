import { expect, it } from 'vitest';
import { inUnitOfWork } from '../../src/domain/unit-of-work';
import { listDomainEventsAfter } from '../../src/store/domain-events';
import { insertTenant } from '../../src/store/tenants';
import { describeEachStore } from '../support/test-context';

describeEachStore('domain events', (h) => {
  /** A state change (a tenant's name) and its domain event, in one unit of work. */
  async function rename(tenantId: string, name: string, fail = false) {
    await inUnitOfWork(h().ctx, async (effects) => {
      await effects.trx.updateTable('tenants').set({ name }).where('id', '=', tenantId).execute();
      effects.recordDomainEvent({ tenantId, type: 'tenant.renamed', object: { type: 'tenant', id: tenantId }, snapshot: { name } });
      if (fail) throw new Error('the change fails after its event was recorded');
    });
  }

  async function nameOf(tenantId: string) {
    return (await h().ctx.store.db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirstOrThrow()).name;
  }

  it('is committed with its state change, and absent when the transaction rolls back', async () => {
    const tenant = await insertTenant(h().ctx.store.db, 'Before');
    await rename(tenant.id, 'Committed');
    await expect(rename(tenant.id, 'Rolled back', true)).rejects.toThrow('the change fails');

    expect(await nameOf(tenant.id)).toBe('Committed');
    const events = await listDomainEventsAfter(h().ctx.store.db, tenant.id, 0, { limit: 10 });
    expect(events.map((event) => ({ sequence: event.sequence, snapshot: event.snapshot }))).toEqual([
      { sequence: 1, snapshot: { name: 'Committed' } },
    ]);
    // The rolled-back change did not use up a number: the next commit is 2.
    await rename(tenant.id, 'Again');
    expect((await listDomainEventsAfter(h().ctx.store.db, tenant.id, 1, { limit: 10 })).map((event) => event.sequence)).toEqual([2]);
  });

  it('numbers each tenant strictly increasing, without gaps, under concurrent transactions', async () => {
    const [a, b] = [await insertTenant(h().ctx.store.db, 'A'), await insertTenant(h().ctx.store.db, 'B')];
    await Promise.all(Array.from({ length: 24 }, (_, i) => rename(i % 2 === 0 ? a.id : b.id, `name ${i}`)));
    for (const tenant of [a, b]) {
      const sequences = (await listDomainEventsAfter(h().ctx.store.db, tenant.id, 0, { limit: 100 })).map((event) => event.sequence);
      expect(sequences).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    }
    // Reading after a sequence returns only what follows it.
    const tail = await listDomainEventsAfter(h().ctx.store.db, a.id, 10, { limit: 100 });
    expect(tail.map((event) => event.sequence)).toEqual([11, 12]);
  });
});
