import { expect, it } from 'vitest';
import { insertCustomerOnce } from '../../src/store/customers';
import { readEntitlementCheck, upsertEntitlement } from '../../src/store/entitlements';
import { insertTenant } from '../../src/store/tenants';
import { describeEachStore } from '../support/test-context';

/**
 * Concurrent entitlement checks share one statement (src/store/entitlement-check-reader.ts); each
 * must still get exactly its own customer's rows for its own key, whatever else is in the batch.
 */
describeEachStore('entitlement check reads in one batch', (h) => {
  it('answers each of many concurrent checks with its own customer and key, by id or external id', async () => {
    const db = h().ctx.store.db;
    const now = new Date('2026-12-01T00:00:00Z');
    const tenants = [(await insertTenant(db, 'Batch A')).id, (await insertTenant(db, 'Batch B')).id];
    // The same external id in both tenants: a check in one must never see the other's rows.
    const customers = await Promise.all(
      tenants.map(
        async (tenantId) =>
          (await insertCustomerOnce(db, { tenantId, externalId: 'user-1', email: 'u@example.com', name: 'U', now })).customer,
      ),
    );
    const grant = (index: number, key: string, sourceId: string, value: boolean | number) =>
      upsertEntitlement(db, {
        customer_id: customers[index]!.id,
        tenant_id: tenants[index]!,
        key,
        source_type: 'subscription',
        source_id: sourceId,
        value,
        status: 'active',
        expires_at: null,
        period_end: null,
        reason: 'test grant',
        as_of: now,
        as_of_event_id: null,
        updated_at: now,
      });
    await grant(0, 'pro', 'psub_a1', true);
    await grant(0, 'pro', 'psub_a2', true);
    await grant(0, 'seats', 'psub_a1', 5);
    await grant(1, 'seats', 'psub_b1', 9);

    const checks = [
      { tenant: 0, customer: { externalId: 'user-1' }, key: 'pro', expect: { found: true, sources: ['psub_a1', 'psub_a2'] } },
      { tenant: 1, customer: { externalId: 'user-1' }, key: 'pro', expect: { found: true, sources: [] } },
      { tenant: 0, customer: { id: customers[0]!.id }, key: 'seats', expect: { found: true, sources: ['psub_a1'] } },
      { tenant: 1, customer: { id: customers[1]!.id }, key: 'seats', expect: { found: true, sources: ['psub_b1'] } },
      // Another tenant's customer id is unknown here, as is an external id nobody has.
      { tenant: 1, customer: { id: customers[0]!.id }, key: 'seats', expect: { found: false, sources: [] } },
      { tenant: 0, customer: { externalId: 'nobody' }, key: 'pro', expect: { found: false, sources: [] } },
    ] as const;
    // Many rounds of all checks at once, so they share statements in every mix.
    const rounds = 20;
    const answers = await Promise.all(
      Array.from({ length: rounds }, () =>
        checks.map((check) => readEntitlementCheck(db, tenants[check.tenant]!, check.customer, check.key)),
      ).flat(),
    );
    answers.forEach((answer, index) => {
      const check = checks[index % checks.length]!;
      expect(answer.customerId !== undefined, JSON.stringify(check)).toBe(check.expect.found);
      if (check.expect.found) expect(answer.customerId).toBe(customers[check.tenant]!.id);
      expect(answer.rows.map((row) => row.source_id).sort()).toEqual(check.expect.sources);
      for (const row of answer.rows) {
        expect(row.key).toBe(check.key);
        expect(row.tenant_id).toBe(tenants[check.tenant]);
      }
    });
    const seats = answers[3]!.rows[0]!;
    expect(seats.value).toBe(9);
  });

  it('a check PostgreSQL refuses fails alone; the checks that shared its statement are answered', async () => {
    const db = h().ctx.store.db;
    const tenantId = (await insertTenant(db, 'Batch C')).id;
    // PostgreSQL text cannot hold a NUL, so this value fails the statement it is sent in (the API
    // refuses it before it gets here; the reader must not let it take its neighbours down anyway).
    const results = await Promise.allSettled([
      readEntitlementCheck(db, tenantId, { externalId: 'a\u0000b' }, 'pro'),
      readEntitlementCheck(db, tenantId, { externalId: 'fine' }, 'pro'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect((results[1] as PromiseFulfilledResult<unknown>).value).toEqual({ customerId: undefined, rows: [] });
  });
});
