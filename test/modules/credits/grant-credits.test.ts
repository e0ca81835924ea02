import { expect, it } from 'vitest';
import { inUnitOfWork } from '../../../src/domain/unit-of-work';
import { AppError } from '../../../src/errors';
import { grantCredits, type GrantCreditsInput } from '../../../src/modules/credits/grant-credits';
import { listDomainEventsAfter } from '../../../src/store/domain-events';
import { describeEachStore } from '../../support/test-context';
import { balanceOf, creditsFixture, DAY } from './support';

/** grantCredits is what other modules call inside their processing transaction (a paid package). */
describeEachStore('grantCredits for other modules', (h) => {
  const packageGrant = (f: { tenantId: string; customerId: string }, sessionId: string): GrantCreditsInput => ({
    tenantId: f.tenantId,
    customerId: f.customerId,
    unit: 'job_credits',
    amount: 10,
    kind: 'paid',
    source: { type: 'checkout_session', id: sessionId },
    expiresAt: new Date(Date.now() + 30 * DAY),
    idempotencyKey: `checkout_session:${sessionId}:credits`,
  });

  it('grants once per key, records credits.granted once, and a retry (even with a later expiry) returns the first grant', async () => {
    const f = await creditsFixture(h());
    const first = await inUnitOfWork(h().ctx, (effects) => grantCredits(effects, packageGrant(f, 'cs_test_1')));
    expect(first.created).toBe(true);
    const retry = await inUnitOfWork(h().ctx, (effects) =>
      grantCredits(effects, { ...packageGrant(f, 'cs_test_1'), expiresAt: new Date(Date.now() + 31 * DAY) }),
    );
    expect(retry).toMatchObject({ created: false, grant: { id: first.grant.id } });
    // Concurrent deliveries of one purchase: one grant.
    const raced = await Promise.all(
      Array.from({ length: 8 }, () => inUnitOfWork(h().ctx, (effects) => grantCredits(effects, packageGrant(f, 'cs_test_2')))),
    );
    expect(raced.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(raced.map((r) => r.grant.id)).size).toBe(1);
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 20, paid: 20, granted: 0 });

    const events = await listDomainEventsAfter(h().ctx.store.db, f.tenantId, 0, { limit: 100, types: ['credits.granted'] });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ object_type: 'credit_grant', object_id: first.grant.id });
    expect(events[0]!.snapshot).toMatchObject({
      customer: f.customerId,
      unit: 'job_credits',
      amount: 10,
      kind: 'paid',
      source: { type: 'checkout_session', id: 'cs_test_1' },
    });
  });

  it('grants nothing when the processing transaction rolls back', async () => {
    const f = await creditsFixture(h());
    await expect(
      inUnitOfWork(h().ctx, async (effects) => {
        await grantCredits(effects, packageGrant(f, 'cs_test_rollback'));
        throw new Error('the rest of the event failed');
      }),
    ).rejects.toThrow('the rest of the event failed');
    expect((await h().api('GET', `/api/v1/tenants/${f.tenantId}/customers/${f.customerId}/credits`)).body.data).toEqual([]);
    const again = await inUnitOfWork(h().ctx, (effects) => grantCredits(effects, packageGrant(f, 'cs_test_rollback')));
    expect(again.created).toBe(true);
  });

  it('refuses a reused key with different values, and values no caller should pass', async () => {
    const f = await creditsFixture(h());
    await inUnitOfWork(h().ctx, (effects) => grantCredits(effects, packageGrant(f, 'cs_test_3')));
    const attempt = (input: GrantCreditsInput) =>
      inUnitOfWork(h().ctx, (effects) => grantCredits(effects, input)).then(
        () => 'ok',
        (e: AppError) => e.code,
      );
    expect(await attempt({ ...packageGrant(f, 'cs_test_3'), amount: 11 })).toBe('idempotency_key_reused');
    expect(await attempt({ ...packageGrant(f, 'cs_x'), amount: 0 })).toBe('invalid_amount');
    expect(await attempt({ ...packageGrant(f, 'cs_x'), amount: 2.5 })).toBe('invalid_amount');
    expect(await attempt({ ...packageGrant(f, 'cs_x'), unit: 'Job Credits' })).toBe('invalid_unit');
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 10 });
  });

  it('grants a late purchase whose credits are already past their expiry, and expires them at once', async () => {
    const f = await creditsFixture(h());
    await inUnitOfWork(h().ctx, (effects) =>
      grantCredits(effects, { ...packageGrant(f, 'cs_late'), expiresAt: new Date(Date.now() - 1000) }),
    );
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 0, paid: 0 });
    const ledger = (await h().api('GET', `/api/v1/tenants/${f.tenantId}/customers/${f.customerId}/credits/ledger`)).body.data;
    expect(ledger.map((entry: { type: string; paid_delta: number }) => [entry.type, entry.paid_delta]).sort()).toEqual([
      ['expire', -10],
      ['grant', 10],
    ]);
  });
});
