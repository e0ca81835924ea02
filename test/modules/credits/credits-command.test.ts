import { afterEach, expect, it, vi } from 'vitest';
import { debitFromCli, showCredits } from '../../../src/modules/credits/command-actions';
import { describeEachStore } from '../../support/test-context';
import { balanceOf, creditsFixture, grant } from './support';

/** The command bodies on the harness's context; `paybridge --help` coverage of them is in test/cli. */
describeEachStore('credits commands', (h) => {
  let printed = '';
  const capture = () => {
    printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
  };
  afterEach(() => vi.restoreAllMocks());

  it('debits once per idempotency key and shows balances and the ledger', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 5, kind: 'paid' });
    const options = {
      tenant: f.tenantId,
      customer: `ext:${f.externalId}`,
      unit: 'job_credits',
      amount: '2',
      idempotencyKey: 'cli_1',
      reason: 'manual',
    };
    capture();
    await debitFromCli(h().ctx, options);
    await debitFromCli(h().ctx, options);
    const lines = printed.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^debited 2 job_credits \(paid 2, granted 0\) as cdb_\w+$/);
    expect(lines[1]).toBe(lines[0]);
    vi.restoreAllMocks();
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 3 });

    capture();
    await showCredits(h().ctx, { tenant: f.tenantId, customer: f.customerId, entries: '10' });
    expect(printed).toContain(`credits of ${f.customerId} (ext:${f.externalId})`);
    expect(printed).toMatch(/job_credits\s+3\s+3\s+0\s+0/);
    expect(printed).toMatch(/debit\s+-2\s+0\s+cdb_\w+\s+manual/);

    capture();
    await showCredits(h().ctx, { tenant: f.tenantId, customer: f.customerId, entries: '0', json: true });
    expect(JSON.parse(printed)).toMatchObject({ customer: f.customerId, balances: [{ unit: 'job_credits', available: 3 }], ledger: [] });
  });

  it('refuses bad options with what to fix, and another tenant’s customer as not found', async () => {
    const f = await creditsFixture(h());
    const other = await creditsFixture(h(), 'Other');
    await grant(f, { unit: 'job_credits', amount: 5 });
    const base = { tenant: f.tenantId, customer: f.customerId, unit: 'job_credits', amount: '1', idempotencyKey: 'k' };
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { code?: string; field?: string }) => `${error.code}:${error.field}`,
      );
    expect(await codeOf(debitFromCli(h().ctx, { ...base, amount: '-1' }))).toBe('validation_failed:amount');
    expect(await codeOf(debitFromCli(h().ctx, { ...base, amount: 'ten' }))).toBe('validation_failed:amount');
    expect(await codeOf(debitFromCli(h().ctx, { ...base, unit: 'Bad Unit' }))).toBe('validation_failed:unit');
    expect(await codeOf(debitFromCli(h().ctx, { ...base, unit: 'other_unit' }))).toBe('unknown_unit:unit');
    expect(await codeOf(debitFromCli(h().ctx, { ...base, customer: other.customerId }))).toBe('not_found:undefined');
    expect(await codeOf(showCredits(h().ctx, { tenant: f.tenantId, customer: other.customerId, entries: '5' }))).toBe(
      'not_found:undefined',
    );
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 5 });
  });
});
