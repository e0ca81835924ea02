import { expect, it } from 'vitest';
import { describeEachStore } from '../../support/test-context';
import { balanceOf, creditsFixture, DAY, grant } from './support';

describeEachStore('credits API', (h) => {
  it('shows balances per unit split into paid and granted, for the customer named by cust_ id or ext:', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 10, kind: 'paid' });
    await grant(f, { unit: 'job_credits', amount: 3 });
    await grant(f, { unit: 'api.calls', amount: 500, kind: 'granted' });
    const byExt = await f.api('GET', '');
    expect(byExt.status).toBe(200);
    expect(byExt.body.data).toEqual([
      { unit: 'api.calls', available: 500, paid: 0, granted: 500, held: 0, next_expires_at: null },
      { unit: 'job_credits', available: 13, paid: 10, granted: 3, held: 0, next_expires_at: null },
    ]);
    const byId = await h().api('GET', `/api/v1/tenants/${f.tenantId}/customers/${f.customerId}/credits`);
    expect(byId.body).toEqual(byExt.body);
  });

  it('debits the soonest-expiring credits first and never-expiring ones last', async () => {
    const f = await creditsFixture(h());
    const later = await grant(f, { unit: 'job_credits', amount: 5, kind: 'granted', expires_in_days: 10 });
    await grant(f, { unit: 'job_credits', amount: 5, kind: 'paid' });
    const soon = await grant(f, { unit: 'job_credits', amount: 5, kind: 'paid', expires_in_days: 2 });
    const debit = await f.api('POST', '/debits', { unit: 'job_credits', amount: 7, idempotency_key: 'post_1', reason: 'job post' });
    expect(debit.status, JSON.stringify(debit.body)).toBe(201);
    // 5 from the lot expiring in 2 days (paid), then 2 from the one expiring in 10 days (granted).
    expect(debit.body).toMatchObject({ object: 'credit_debit', unit: 'job_credits', amount: 7, paid: 5, granted: 2, reason: 'job post' });
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 8, paid: 5, granted: 3, next_expires_at: later.expires_at });
    expect(soon.expires_at < later.expires_at).toBe(true);
  });

  it('does not spend expired credits, and writes their expiry into the ledger', async () => {
    const f = await creditsFixture(h());
    try {
      const start = new Date('2031-01-01T00:00:00Z');
      h().setNow(start);
      await grant(f, { unit: 'minutes', amount: 4, kind: 'granted', expires_in_days: 1 });
      await grant(f, { unit: 'minutes', amount: 2, kind: 'paid' });
      h().setNow(new Date(start.getTime() + DAY + 1));
      expect(await balanceOf(f, 'minutes')).toMatchObject({ available: 2, paid: 2, granted: 0 });
      const tooMuch = await f.api('POST', '/debits', { unit: 'minutes', amount: 3, idempotency_key: 'late_1' });
      expect(tooMuch.status).toBe(409);
      expect(tooMuch.body.error.code).toBe('insufficient_credits');
      const ledger = await f.api('GET', '/ledger');
      const expiry = ledger.body.data.find((entry: { type: string }) => entry.type === 'expire');
      expect(expiry).toMatchObject({ unit: 'minutes', granted_delta: -4, paid_delta: 0, available_delta: -4 });
      const ok = await f.api('POST', '/debits', { unit: 'minutes', amount: 2, idempotency_key: 'late_2' });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ paid: 2, granted: 0 });
    } finally {
      h().setNow(null);
    }
  });

  it('answers a repeated idempotency key with the same debit and status, and refuses the key with another body', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 5, kind: 'paid' });
    const body = { unit: 'job_credits', amount: 2, idempotency_key: 'job_77', reason: 'post' };
    const first = await f.api('POST', '/debits', body);
    const again = await f.api('POST', '/debits', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await balanceOf(f, 'job_credits')).available).toBe(3);

    const reused = await f.api('POST', '/debits', { ...body, amount: 3 });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'idempotency_key' });
    expect(reused.body.error.message).toMatch(/new key/);
    expect((await balanceOf(f, 'job_credits')).available).toBe(3);
  });

  it('answers a refused debit the same way when retried, even after a top-up', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 1, kind: 'paid' });
    const body = { unit: 'job_credits', amount: 2, idempotency_key: 'too_big' };
    const first = await f.api('POST', '/debits', body);
    expect(first.status).toBe(409);
    expect(first.body.error.code).toBe('insufficient_credits');
    await grant(f, { unit: 'job_credits', amount: 5, kind: 'paid' });
    const again = await f.api('POST', '/debits', body);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    expect((await balanceOf(f, 'job_credits')).available).toBe(6);
  });

  it('holds reserve credits so they cannot be debited twice; a smaller capture releases the rest', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'gpu_seconds', amount: 10, kind: 'paid' });
    const hold = await f.api('POST', '/holds', { unit: 'gpu_seconds', amount: 8, idempotency_key: 'render_1', expires_in: 600 });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect(hold.body).toMatchObject({ object: 'credit_hold', status: 'held', amount: 8, captured_amount: null });
    expect(hold.body.id).toMatch(/^chd_/);
    expect(await balanceOf(f, 'gpu_seconds')).toMatchObject({ available: 2, held: 8 });

    const debit = await f.api('POST', '/debits', { unit: 'gpu_seconds', amount: 3, idempotency_key: 'other_1' });
    expect(debit.status).toBe(409);
    expect(debit.body.error.code).toBe('insufficient_credits');
    const secondHold = await f.api('POST', '/holds', { unit: 'gpu_seconds', amount: 3, idempotency_key: 'render_2' });
    expect(secondHold.status).toBe(409);

    const sameHold = await f.api('POST', '/holds', { unit: 'gpu_seconds', amount: 8, idempotency_key: 'render_1', expires_in: 600 });
    expect(sameHold.status).toBe(201);
    expect(sameHold.body.id).toBe(hold.body.id);

    const tooMuch = await f.api('POST', `/holds/${hold.body.id}/capture`, { amount: 9 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.code).toBe('capture_exceeds_hold');

    const captured = await f.api('POST', `/holds/${hold.body.id}/capture`, { amount: 5 });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body).toMatchObject({ status: 'captured', captured_amount: 5 });
    expect(await balanceOf(f, 'gpu_seconds')).toMatchObject({ available: 5, paid: 5, held: 0 });

    // The same capture again is a retry and answers the same; a release of a captured hold is refused.
    const retried = await f.api('POST', `/holds/${hold.body.id}/capture`, { amount: 5 });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(captured.body);
    const release = await f.api('POST', `/holds/${hold.body.id}/release`);
    expect(release.status).toBe(409);
    expect(release.body.error.code).toBe('hold_not_open');

    const types = (await f.api('GET', '/ledger')).body.data.map((entry: { type: string }) => entry.type).sort();
    expect(types).toEqual(['capture', 'grant', 'hold', 'release']);
  });

  it('captures the whole hold without a body, and releases a hold in full', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'seats', amount: 6, kind: 'granted' });
    const a = await f.api('POST', '/holds', { unit: 'seats', amount: 2, idempotency_key: 'a' });
    const b = await f.api('POST', '/holds', { unit: 'seats', amount: 3, idempotency_key: 'b' });
    const captured = await f.api('POST', `/holds/${a.body.id}/capture`);
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body).toMatchObject({ status: 'captured', captured_amount: 2 });
    const released = await f.api('POST', `/holds/${b.body.id}/release`);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', captured_amount: null });
    expect(await balanceOf(f, 'seats')).toMatchObject({ available: 4, granted: 4, held: 0 });
  });

  it('releases an expired hold by itself: its credits come back and it can no longer be captured', async () => {
    const f = await creditsFixture(h());
    try {
      const start = new Date('2032-03-01T12:00:00Z');
      h().setNow(start);
      await grant(f, { unit: 'gpu_seconds', amount: 10, kind: 'paid' });
      const hold = await f.api('POST', '/holds', { unit: 'gpu_seconds', amount: 7, idempotency_key: 'job_x', expires_in: 60 });
      expect(await balanceOf(f, 'gpu_seconds')).toMatchObject({ available: 3, held: 7 });
      h().setNow(new Date(start.getTime() + 61_000));
      expect(await balanceOf(f, 'gpu_seconds')).toMatchObject({ available: 10, held: 0 });
      expect((await f.api('GET', `/holds/${hold.body.id}`)).body.status).toBe('expired');
      const capture = await f.api('POST', `/holds/${hold.body.id}/capture`);
      expect(capture.status).toBe(409);
      expect(capture.body.error.code).toBe('hold_not_open');
      const ledger = (await f.api('GET', '/ledger')).body.data;
      expect(ledger.find((entry: { type: string }) => entry.type === 'hold_expired')).toMatchObject({ paid_delta: 7, held_delta: -7 });
    } finally {
      h().setNow(null);
    }
  });

  it('gives credits held from a lot that expired meanwhile back as expired, never spendable', async () => {
    const f = await creditsFixture(h());
    try {
      const start = new Date('2033-05-01T00:00:00Z');
      h().setNow(start);
      await grant(f, { unit: 'tokens', amount: 5, kind: 'granted', expires_in_days: 1 });
      const hold = await f.api('POST', '/holds', { unit: 'tokens', amount: 5, idempotency_key: 'long', expires_in: 2 * 86_400 });
      h().setNow(new Date(start.getTime() + DAY + 1_000));
      expect(await balanceOf(f, 'tokens')).toMatchObject({ available: 0, held: 5 });
      const released = await f.api('POST', `/holds/${hold.body.id}/release`);
      expect(released.status).toBe(200);
      expect(await balanceOf(f, 'tokens')).toMatchObject({ available: 0, held: 0 });
    } finally {
      h().setNow(null);
    }
  });

  it('refuses bad input with the field and what to do', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 5 });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ unit: 'job_credits', amount: -1, idempotency_key: 'k' }, 'amount', 'validation_failed'],
      [{ unit: 'job_credits', amount: 0, idempotency_key: 'k' }, 'amount', 'validation_failed'],
      [{ unit: 'job_credits', amount: 1.5, idempotency_key: 'k' }, 'amount', 'validation_failed'],
      [{ unit: 'job_credits', amount: '1', idempotency_key: 'k' }, 'amount', 'validation_failed'],
      [{ unit: 'job_credits', amount: 1 }, 'idempotency_key', 'validation_failed'],
      [{ unit: 'job_credits', amount: 1, idempotency_key: '' }, 'idempotency_key', 'validation_failed'],
      [{ unit: 'Job_Credits', amount: 1, idempotency_key: 'k' }, 'unit', 'validation_failed'],
      [{ unit: '1credits', amount: 1, idempotency_key: 'k' }, 'unit', 'validation_failed'],
      [{ unit: 'a'.repeat(65), amount: 1, idempotency_key: 'k' }, 'unit', 'validation_failed'],
      [{ unit: 'job credits', amount: 1, idempotency_key: 'k' }, 'unit', 'validation_failed'],
      [{ unit: 'job_credits', amount: 1, idempotency_key: 'k', extra: 1 }, '', 'validation_failed'],
      [{ unit: 'never_had', amount: 1, idempotency_key: 'k' }, 'unit', 'unknown_unit'],
    ];
    for (const [body, field, code] of cases) {
      for (const path of ['/debits', '/holds']) {
        const response = await f.api('POST', path, body);
        const label = `${path} ${JSON.stringify(body)}`;
        expect(response.status, label).toBe(422);
        expect(response.body.error.code, label).toBe(code);
        if (field) expect(response.body.error.field, label).toBe(field);
        expect(response.body.error.message.length, label).toBeGreaterThan(20);
      }
    }
    const unknown = await f.api('POST', '/debits', { unit: 'never_had', amount: 1, idempotency_key: 'k' });
    expect(unknown.body.error.message).toMatch(/never been granted "never_had"/);
    expect((await balanceOf(f, 'job_credits')).available).toBe(5);
    expect((await f.api('GET', '/ledger?unit=NOT_A_UNIT')).status).toBe(422);
  });

  it("answers 404 for another tenant's customer and hold, and changes nothing there", async () => {
    const mine = await creditsFixture(h(), 'Mine');
    const theirs = await creditsFixture(h(), 'Theirs');
    await grant(theirs, { unit: 'job_credits', amount: 5, kind: 'paid' });
    const hold = await theirs.api('POST', '/holds', { unit: 'job_credits', amount: 2, idempotency_key: 'h' });
    const crossBase = `/api/v1/tenants/${mine.tenantId}/customers`;
    for (const ref of [theirs.customerId, `ext:${theirs.externalId}`]) {
      const attempts = [
        await h().api('GET', `${crossBase}/${ref}/credits`),
        await h().api('GET', `${crossBase}/${ref}/credits/ledger`),
        await h().api('POST', `${crossBase}/${ref}/credits/debits`, { unit: 'job_credits', amount: 1, idempotency_key: 'x' }),
        await h().api('POST', `${crossBase}/${ref}/credits/grants`, { unit: 'job_credits', amount: 1, idempotency_key: 'x' }),
        await h().api('POST', `${crossBase}/${ref}/credits/holds/${hold.body.id}/release`),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('not_found');
      }
    }
    // Their hold id under my own customer is not found either.
    expect((await mine.api('POST', `/holds/${hold.body.id}/capture`)).status).toBe(404);
    // A tenant key sees only its own tenant.
    const key = (await h().api('POST', `/api/v1/tenants/${mine.tenantId}/api-keys`)).body.key as string;
    const withKey = await h().api('GET', `/api/v1/tenants/${theirs.tenantId}/customers/${theirs.customerId}/credits`, undefined, key);
    expect([403, 404]).toContain(withKey.status);
    expect(await balanceOf(theirs, 'job_credits')).toMatchObject({ available: 3, held: 2 });
  });

  it('grants through the API once per idempotency key (200 with the first grant on a retry)', async () => {
    const f = await creditsFixture(h());
    const body = { unit: 'job_credits', amount: 3, idempotency_key: 'goodwill_1', reason: 'sorry for the outage' };
    const first = await f.api('POST', '/grants', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      object: 'credit_grant',
      kind: 'granted',
      amount: 3,
      remaining: 3,
      source: { type: 'api', id: null },
    });
    const again = await f.api('POST', '/grants', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reused = await f.api('POST', '/grants', { ...body, amount: 4 });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 3, granted: 3 });
  });

  it('pages the ledger newest first with the cursor, and its deltas add up to the balances', async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 20, kind: 'paid' });
    await grant(f, { unit: 'job_credits', amount: 4, kind: 'granted' });
    for (let i = 0; i < 5; i += 1) await f.api('POST', '/debits', { unit: 'job_credits', amount: 3, idempotency_key: `d${i}` });
    const hold = await f.api('POST', '/holds', { unit: 'job_credits', amount: 2, idempotency_key: 'h1' });
    await f.api('POST', `/holds/${hold.body.id}/capture`, { amount: 1 });
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await f.api('GET', `/ledger?limit=3${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen.map((entry) => entry.id)).size).toBe(10);
    const sum = (key: string) => seen.reduce((total, entry) => total + entry[key], 0);
    const balance = await balanceOf(f, 'job_credits');
    expect({ paid: sum('paid_delta'), granted: sum('granted_delta'), held: sum('held_delta') }).toEqual({
      paid: balance.paid,
      granted: balance.granted,
      held: balance.held,
    });
    expect(balance.available).toBe(24 - 15 - 1);
    const forged = await f.api('GET', '/ledger?cursor=abc');
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_cursor');
  });
});
