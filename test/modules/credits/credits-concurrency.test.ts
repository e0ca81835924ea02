import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/server';
import { ADMIN_TOKEN, describeEachStore } from '../../support/test-context';
import { balanceOf, creditsFixture, grant, type CreditsFixture } from './support';

/**
 * Real parallel HTTP requests to a listening server on loopback: each runs in its own transaction
 * on its own pooled connection, so the account lock (not the event loop) is what keeps them apart.
 */
describeEachStore('credits under concurrency', (h) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(h().ctx, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close(1_000);
  });

  const post = async (f: CreditsFixture, path: string, body: unknown) => {
    const response = await fetch(`${server.url}/api/v1/tenants/${f.tenantId}/customers/${f.customerId}/credits${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('50 concurrent debits of 1 against a balance of 20: exactly 20 × 201 and 30 × 409 insufficient_credits', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 12, kind: 'paid' });
    await grant(f, { unit: 'job_credits', amount: 8, kind: 'granted' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post(f, '/debits', { unit: 'job_credits', amount: 1, idempotency_key: `job_${i}` })),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(20);
    expect(refused).toHaveLength(30);
    for (const r of refused) expect(r.body.error.code).toBe('insufficient_credits');
    expect(new Set(created.map((r) => r.body.id)).size).toBe(20);
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 0, paid: 0, granted: 0 });
  });

  it('concurrent requests with one idempotency key give one debit: same id and status for all of them', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 10, kind: 'paid' });
    const body = { unit: 'job_credits', amount: 3, idempotency_key: 'same_key' };
    const results = await Promise.all(Array.from({ length: 20 }, () => post(f, '/debits', body)));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await balanceOf(f, 'job_credits')).available).toBe(7);
  });

  it('one key raced with different units (two accounts, no shared lock): one wins, the others say idempotency_key_reused', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'unit_a', amount: 10, kind: 'paid' });
    await grant(f, { unit: 'unit_b', amount: 10, kind: 'paid' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(f, '/debits', { unit: i % 2 === 0 ? 'unit_a' : 'unit_b', amount: 1, idempotency_key: 'shared' }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    const winner = created[0]!.body.unit as string;
    for (const r of results) {
      if (r.status === 201) expect(r.body.unit).toBe(winner);
      else expect(r.body.error.code, JSON.stringify(r.body)).toBe('idempotency_key_reused');
    }
    const [a, b] = [await balanceOf(f, 'unit_a'), await balanceOf(f, 'unit_b')];
    expect(a.available + b.available).toBe(19);
  });

  it('debits and holds racing for the same credits never overshoot: what succeeded adds up to the balance', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'gpu_seconds', amount: 30, kind: 'paid' });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? post(f, '/holds', { unit: 'gpu_seconds', amount: 3, idempotency_key: `h${i}` })
          : post(f, '/debits', { unit: 'gpu_seconds', amount: 2, idempotency_key: `d${i}` }),
      ),
    );
    for (const r of results) expect([201, 409]).toContain(r.status);
    const ok = results.filter((r) => r.status === 201);
    const taken = ok.reduce((sum, r) => sum + (r.body.amount as number), 0);
    const held = ok.filter((r) => r.body.object === 'credit_hold').reduce((sum, r) => sum + (r.body.amount as number), 0);
    // 70 credits were asked for: the refusals are what did not fit, and nothing fitted twice.
    expect(taken).toBeGreaterThan(27);
    expect(taken).toBeLessThanOrEqual(30);
    expect(await balanceOf(f, 'gpu_seconds')).toMatchObject({ available: 30 - taken, held });
  });
});
