import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { inUnitOfWork } from '../../../src/domain/unit-of-work';
import { AppError } from '../../../src/errors';
import { grantCredits } from '../../../src/modules/credits/grant-credits';
import {
  captureHold,
  creditBalances,
  creditLedgerPage,
  debitCredits,
  placeHold,
  releaseHold,
} from '../../../src/modules/credits/credits-service';
import { describeEachStore } from '../../support/test-context';

/**
 * Random sequences of grants (paid or granted, expiring or not), debits, holds, captures, releases
 * and clock jumps, checked after every step against a small in-memory model of the rules (lots spent
 * soonest-expiring first, expired lots and holds settled before anything else), and at the end
 * against the ledger: its deltas must add up to the balances.
 */

type Op =
  | { op: 'grant'; kind: 'paid' | 'granted'; amount: number; expiresIn: number | null }
  | { op: 'debit'; amount: number }
  | { op: 'hold'; amount: number; expiresIn: number }
  | { op: 'capture'; hold: number; amount: number | null }
  | { op: 'release'; hold: number }
  | { op: 'wait'; seconds: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('grant' as const),
    kind: fc.constantFrom('paid' as const, 'granted' as const),
    amount: fc.integer({ min: 1, max: 20 }),
    expiresIn: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
  }),
  fc.record({ op: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ op: fc.constant('hold' as const), amount: fc.integer({ min: 1, max: 15 }), expiresIn: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ op: fc.constant('capture' as const), hold: fc.nat(5), amount: fc.option(fc.integer({ min: 1, max: 16 }), { nil: null }) }),
  fc.record({ op: fc.constant('release' as const), hold: fc.nat(5) }),
  fc.record({ op: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 90 }) }),
);

interface Lot {
  kind: 'paid' | 'granted';
  remaining: number;
  expiresAt: number | null;
  order: number;
}
interface ModelHold {
  id: string;
  amount: number;
  expiresAt: number;
  status: 'held' | 'captured' | 'released' | 'expired';
  captured: number | null;
  taken: { lot: Lot; amount: number }[];
}

/** The rules as plainly as they can be said. */
class Model {
  lots: Lot[] = [];
  holds: ModelHold[] = [];

  settle(now: number): void {
    for (const hold of this.holds) if (hold.status === 'held' && hold.expiresAt <= now) this.end(hold, 0, 'expired');
    for (const lot of this.lots) if (lot.expiresAt !== null && lot.expiresAt <= now) lot.remaining = 0;
  }

  take(amount: number, now: number): { lot: Lot; amount: number }[] | null {
    const spendable = this.lots
      .filter((lot) => lot.remaining > 0 && (lot.expiresAt === null || lot.expiresAt > now))
      .sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.order - b.order);
    if (spendable.reduce((sum, lot) => sum + lot.remaining, 0) < amount) return null;
    const taken: { lot: Lot; amount: number }[] = [];
    let left = amount;
    for (const lot of spendable) {
      const part = Math.min(left, lot.remaining);
      if (part === 0) break;
      lot.remaining -= part;
      taken.push({ lot, amount: part });
      left -= part;
    }
    return taken;
  }

  end(hold: ModelHold, captured: number, status: ModelHold['status']): void {
    let toConsume = captured;
    const ordered = [...hold.taken].sort(
      (a, b) => (a.lot.expiresAt ?? Infinity) - (b.lot.expiresAt ?? Infinity) || a.lot.order - b.lot.order,
    );
    for (const part of ordered) {
      const consumed = Math.min(part.amount, toConsume);
      toConsume -= consumed;
      part.lot.remaining += part.amount - consumed;
    }
    hold.status = status;
    hold.captured = status === 'captured' ? captured : null;
  }

  balance(now: number) {
    const live = this.lots.filter((lot) => lot.expiresAt === null || lot.expiresAt > now);
    const sum = (kind: string) => live.filter((lot) => lot.kind === kind).reduce((total, lot) => total + lot.remaining, 0);
    const held = this.holds.filter((hold) => hold.status === 'held').reduce((total, hold) => total + hold.amount, 0);
    return { paid: sum('paid'), granted: sum('granted'), held };
  }
}

const codeOf = (error: unknown) => (error instanceof AppError ? error.code : `unexpected: ${String(error)}`);

describeEachStore('credits ledger (property)', (h) => {
  afterEach(() => h().setNow(null));

  it('after any sequence of movements, balances follow the rules and the ledger adds up to them', async () => {
    const ctx = h().ctx;
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Property' })).body.id as string;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 18 }), async (ops) => {
        run += 1;
        const customer = await h().api('POST', `/api/v1/tenants/${tenantId}/customers`, {
          external_id: `p${run}`,
          email: `p${run}@example.com`,
        });
        const customerId = customer.body.id as string;
        const model = new Model();
        let now = Date.UTC(2034, 0, 1);
        let key = 0;
        for (const step of ops) {
          // Every step is a millisecond later, so lots granted one after another have distinct created_at.
          now += step.op === 'wait' ? step.seconds * 1000 : 1;
          h().setNow(new Date(now));
          model.settle(now);
          key += 1;
          if (step.op === 'grant') {
            await inUnitOfWork(ctx, (effects) =>
              grantCredits(effects, {
                tenantId,
                customerId,
                unit: 'u',
                amount: step.amount,
                kind: step.kind,
                source: { type: 'test', id: null },
                expiresAt: step.expiresIn === null ? null : new Date(now + step.expiresIn * 1000),
                idempotencyKey: `p${run}_${key}`,
              }),
            );
            model.lots.push({
              kind: step.kind,
              remaining: step.amount,
              expiresAt: step.expiresIn === null ? null : now + step.expiresIn * 1000,
              order: key,
            });
          } else if (step.op === 'debit') {
            const expected = model.lots.length === 0 ? 'unknown_unit' : model.take(step.amount, now) ? 'ok' : 'insufficient_credits';
            const outcome = await debitCredits(ctx, tenantId, customerId, {
              unit: 'u',
              amount: step.amount,
              idempotency_key: `p${run}_${key}`,
            }).then(() => 'ok', codeOf);
            expect(outcome, `debit ${step.amount} at step ${key}`).toBe(expected);
          } else if (step.op === 'hold') {
            const taken = model.lots.length === 0 ? undefined : model.take(step.amount, now);
            const expected = taken === undefined ? 'unknown_unit' : taken ? 'ok' : 'insufficient_credits';
            const outcome = await placeHold(ctx, tenantId, customerId, {
              unit: 'u',
              amount: step.amount,
              expires_in: step.expiresIn,
              idempotency_key: `p${run}_${key}`,
            }).then((hold) => hold, codeOf);
            if (typeof outcome === 'string') expect(outcome, `hold ${step.amount} at step ${key}`).toBe(expected);
            else {
              expect(expected).toBe('ok');
              model.holds.push({
                id: outcome.id,
                amount: step.amount,
                expiresAt: now + step.expiresIn * 1000,
                status: 'held',
                captured: null,
                taken: taken!,
              });
            }
          } else if (step.op === 'capture' || step.op === 'release') {
            const hold = model.holds[step.hold];
            if (!hold) continue;
            const captured = step.op === 'capture' ? (step.amount ?? hold.amount) : 0;
            let expected: string;
            if (hold.status === 'held') {
              expected = captured > hold.amount ? 'capture_exceeds_hold' : 'ok';
            } else {
              const retry = step.op === 'release' ? hold.status === 'released' : hold.status === 'captured' && hold.captured === captured;
              expected = retry ? 'ok' : 'hold_not_open';
            }
            const call =
              step.op === 'capture'
                ? captureHold(ctx, tenantId, customerId, hold.id, step.amount === null ? {} : { amount: step.amount })
                : releaseHold(ctx, tenantId, customerId, hold.id);
            const outcome = await call.then(() => 'ok', codeOf);
            expect(outcome, `${step.op} of hold ${step.hold} at step ${key}`).toBe(expected);
            if (hold.status === 'held' && expected === 'ok') model.end(hold, captured, step.op === 'capture' ? 'captured' : 'released');
            // A credit given back to a lot that has expired is gone.
            model.settle(now);
          }
          const balances = await creditBalances(ctx, tenantId, customerId);
          const actual = balances.find((row) => row.unit === 'u');
          const wanted = model.balance(now);
          if (model.lots.length === 0) expect(actual).toBeUndefined();
          else
            expect(
              { paid: actual!.paid, granted: actual!.granted, held: actual!.held },
              `after step ${key} ${JSON.stringify(step)}`,
            ).toEqual(wanted);
        }
        const ledger = await creditLedgerPage(ctx, tenantId, customerId, { limit: 10_000 });
        const balance = (await creditBalances(ctx, tenantId, customerId)).find((row) => row.unit === 'u') ?? {
          paid: 0,
          granted: 0,
          held: 0,
        };
        const sum = (pick: (row: (typeof ledger)[number]) => number) => ledger.reduce((total, row) => total + pick(row), 0);
        expect({
          paid: sum((row) => row.paid_delta),
          granted: sum((row) => row.granted_delta),
          held: sum((row) => row.held_delta),
        }).toEqual({
          paid: balance.paid,
          granted: balance.granted,
          held: balance.held,
        });
      }),
      { numRuns: 60 },
    );
  }, 240_000);
});
