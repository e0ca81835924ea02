import type { Db } from '../../store/database';
import {
  adjustGrantRemaining,
  appendCreditLedger,
  listAllocationsOf,
  listExpiredOpenHolds,
  listLotsWithCredits,
  markGrantExpired,
  settleCreditHold,
  type CreditAccountKey,
  type NewLedgerEntry,
} from '../../store/credits';
import type { CreditGrantRow, CreditHoldRow, CreditKind } from '../../store/credits-schema';

/**
 * The rules of one credit account, applied inside a transaction that already holds the account's
 * lock (`lockCreditAccount`). Every change to a lot's free credits writes a ledger entry with its
 * effect on paid, granted and held, so the ledger's sums are always the balance.
 *
 * Expiry is lazy: nothing runs on a timer. Every read and every write of an account settles it
 * first (`settleAccount`): holds past their time give their credits back, then lots past their
 * expiry lose what is left. Between two visits nothing can spend an expired credit, because
 * spending takes only from the unexpired lots that settling returns, and reads settle before answering.
 */

/** Credits taken from one lot. */
export interface Taken {
  readonly grantId: string;
  readonly kind: CreditKind;
  readonly amount: number;
}

export function splitByKind(taken: readonly Taken[]): { paid: number; granted: number } {
  let paid = 0;
  let granted = 0;
  for (const part of taken) {
    if (part.kind === 'paid') paid += part.amount;
    else granted += part.amount;
  }
  return { paid, granted };
}

/**
 * Brings the account up to `now` — expired holds release their credits, then expired lots lose
 * theirs — and returns the lots that can be spent, in spending order.
 */
export async function settleAccount(trx: Db, key: CreditAccountKey, now: Date): Promise<CreditGrantRow[]> {
  for (const hold of await listExpiredOpenHolds(trx, key, now)) {
    await settleHold(trx, key, hold, { captured: 0, status: 'expired', now, reason: 'the hold reached its expires_at' });
  }
  return expireLots(trx, key, now);
}

/** Takes what is left in lots past their expiry, one ledger entry per lot; returns the lots still spendable. */
export async function expireLots(trx: Db, key: CreditAccountKey, now: Date): Promise<CreditGrantRow[]> {
  const lots = await listLotsWithCredits(trx, key);
  const isExpired = (lot: CreditGrantRow) => lot.expires_at !== null && new Date(lot.expires_at).getTime() <= now.getTime();
  const entries: NewLedgerEntry[] = [];
  for (const lot of lots.filter(isExpired)) {
    await markGrantExpired(trx, lot.id, now);
    entries.push({
      entryType: 'expire',
      paidDelta: lot.kind === 'paid' ? -lot.remaining : 0,
      grantedDelta: lot.kind === 'granted' ? -lot.remaining : 0,
      heldDelta: 0,
      reference: { type: 'credit_grant', id: lot.id },
      reason: 'the credits reached their expires_at',
    });
  }
  await appendCreditLedger(trx, key, entries, now);
  return lots.filter((lot) => !isExpired(lot));
}

/**
 * Takes `amount` free credits from `lots` (spendable, in spending order, as `settleAccount` returns
 * them), or returns null, changing nothing, when there are not enough.
 */
export async function takeCredits(trx: Db, lots: readonly CreditGrantRow[], amount: number): Promise<Taken[] | null> {
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (available < amount) return null;
  const taken: Taken[] = [];
  let left = amount;
  for (const lot of lots) {
    if (left === 0) break;
    const part = Math.min(lot.remaining, left);
    await adjustGrantRemaining(trx, lot.id, -part);
    taken.push({ grantId: lot.id, kind: lot.kind, amount: part });
    left -= part;
  }
  return taken;
}

/**
 * Ends an open hold: `captured` credits are consumed (from the soonest-expiring of the lots it
 * took), the rest go back to their lots. A credit given back to a lot that expired meanwhile is taken
 * by the next `expireLots`, so it is never spendable.
 */
export async function settleHold(
  trx: Db,
  key: CreditAccountKey,
  hold: CreditHoldRow,
  outcome: { captured: number; status: 'captured' | 'released' | 'expired'; now: Date; reason: string | null },
): Promise<CreditHoldRow> {
  const allocations = await listAllocationsOf(trx, { holdId: hold.id });
  let toConsume = outcome.captured;
  let paidBack = 0;
  let grantedBack = 0;
  for (const allocation of allocations) {
    const consumed = Math.min(allocation.amount, toConsume);
    toConsume -= consumed;
    const back = allocation.amount - consumed;
    if (back === 0) continue;
    await adjustGrantRemaining(trx, allocation.grant_id, back);
    if (allocation.kind === 'paid') paidBack += back;
    else grantedBack += back;
  }
  const reference = { type: 'credit_hold', id: hold.id };
  const entries: NewLedgerEntry[] = [];
  if (outcome.captured > 0) {
    entries.push({ entryType: 'capture', paidDelta: 0, grantedDelta: 0, heldDelta: -outcome.captured, reference, reason: outcome.reason });
  }
  const released = hold.amount - outcome.captured;
  if (released > 0) {
    entries.push({
      entryType: outcome.status === 'expired' ? 'hold_expired' : 'release',
      paidDelta: paidBack,
      grantedDelta: grantedBack,
      heldDelta: -released,
      reference,
      reason: outcome.reason,
    });
  }
  await appendCreditLedger(trx, key, entries, outcome.now);
  return settleCreditHold(trx, hold.id, {
    status: outcome.status,
    capturedAmount: outcome.status === 'captured' ? outcome.captured : null,
    at: outcome.now,
  });
}
