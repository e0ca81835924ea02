import type { AppContext } from '../../context';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { notFound } from '../../errors';
import {
  findCreditDebitByKey,
  findCreditHold,
  findCreditHoldByKey,
  insertCreditAllocations,
  insertCreditDebit,
  insertCreditHold,
  insertSucceededDebit,
  appendCreditLedger,
  listAllocationsOf,
  listCreditLedger,
  lockCreditAccount,
  lockCustomerCreditAccounts,
  readCreditBalances,
  type CreditAccountKey,
} from '../../store/credits';
import type { CreditDebitRow, CreditHoldRow } from '../../store/credits-schema';
import type { Db } from '../../store/database';
import { creditErrors, rejectionError } from './credit-errors';
import type { CaptureInput, DebitInput, GrantInput, HoldInput } from './credit-input';
import {
  balanceView,
  debitView,
  grantView,
  holdView,
  type BalanceView,
  type DebitView,
  type GrantView,
  type HoldView,
} from './credit-views';
import { grantCredits } from './grant-credits';
import { expireLots, settleAccount, settleHold, splitByKind, takeCredits, type Taken } from './ledger';

/**
 * The credits use cases shared by the API, the dashboard and the CLI. `customerId` is Paybridge's id
 * of a customer already resolved within `tenantId` (the caller answers 404 for anything else).
 *
 * Why a row lock and not a conditional update: a debit may take from several lots (soonest-expiring
 * first) and writes its allocations and ledger entry with them, so the check and all those writes
 * must see one state. Locking the (customer, unit) account row makes concurrent movements of that
 * unit queue for a few milliseconds each instead of failing and retrying, as SERIALIZABLE would,
 * and leaves every other customer and unit untouched. A single `UPDATE … SET balance = balance - n
 * WHERE balance >= n` would be as safe for the total but could not say which lots were spent.
 */

const DAY_MS = 86_400_000;

/** Balances per unit, after settling expired holds and lots. */
export async function creditBalances(ctx: AppContext, tenantId: string, customerId: string): Promise<BalanceView[]> {
  return inUnitOfWork(ctx, async (effects) => {
    await settleCustomer(effects.trx, tenantId, customerId, effects.now);
    return (await readCreditBalances(effects.trx, tenantId, customerId, effects.now)).map(balanceView);
  });
}

/** A page of the customer's ledger, newest first; expiries due by now are written before it is read. */
export async function creditLedgerPage(
  ctx: AppContext,
  tenantId: string,
  customerId: string,
  page: { limit: number; before?: { createdAt: Date; id: string }; unit?: string },
) {
  await inUnitOfWork(ctx, (effects) => settleCustomer(effects.trx, tenantId, customerId, effects.now));
  return listCreditLedger(ctx.store.db, { tenantId, customerId, unit: page.unit }, { limit: page.limit, before: page.before });
}

async function settleCustomer(trx: Db, tenantId: string, customerId: string, now: Date): Promise<void> {
  for (const unit of await lockCustomerCreditAccounts(trx, tenantId, customerId)) {
    await settleAccount(trx, { tenantId, customerId, unit }, now);
  }
}

/** Grants credits through the API (goodwill, promotions, credits sold outside Stripe). */
export async function grantCreditsFromApi(
  ctx: AppContext,
  tenantId: string,
  customerId: string,
  input: GrantInput,
): Promise<{ grant: GrantView; created: boolean }> {
  const result = await onceAcrossRaces(() =>
    inUnitOfWork(ctx, (effects) =>
      grantCredits(effects, {
        tenantId,
        customerId,
        unit: input.unit,
        amount: input.amount,
        kind: input.kind,
        source: { type: 'api', id: null },
        expiresAt: input.expires_in_days ? new Date(effects.now.getTime() + input.expires_in_days * DAY_MS) : null,
        idempotencyKey: input.idempotency_key,
        reason: input.reason ?? null,
      }),
    ),
  );
  return { grant: grantView(result.grant), created: result.created };
}

/**
 * Takes `amount` credits, soonest-expiring first. Answers the first outcome again for a repeated
 * idempotency key — the debit, or `409 insufficient_credits` — whatever happened since.
 */
export async function debitCredits(ctx: AppContext, tenantId: string, customerId: string, input: DebitInput): Promise<DebitView> {
  const account = { tenantId, customerId, unit: input.unit };
  const fingerprint = JSON.stringify([customerId, input.unit, input.amount, input.reason ?? null]);
  const { debit, taken } = await onceAcrossRaces(() =>
    inUnitOfWork(ctx, async (effects) => {
      const trx = effects.trx;
      const replay = async () => {
        const existing = await findCreditDebitByKey(trx, tenantId, input.idempotency_key);
        if (!existing) return undefined;
        if (existing.fingerprint !== fingerprint) throw creditErrors.idempotencyKeyReused(input.idempotency_key);
        return { debit: existing, taken: await takenBy(trx, existing) };
      };
      const earlier = await replay();
      if (earlier) return earlier;
      if (!(await lockCreditAccount(trx, account))) throw creditErrors.unknownUnit(input.unit);

      const taken = await takeCredits(trx, await settleAccount(trx, account, effects.now), input.amount);
      const values = {
        tenant_id: tenantId,
        customer_id: customerId,
        unit: input.unit,
        amount: input.amount,
        reason: input.reason ?? null,
        idempotency_key: input.idempotency_key,
        fingerprint,
        created_at: effects.now,
      };
      if (!taken) {
        // Kept so that the same key answers 409 again, whatever happens to the balance meanwhile.
        return { debit: await insertCreditDebit(trx, { ...values, status: 'rejected', rejection: 'insufficient_credits' }), taken: [] };
      }
      const split = splitByKind(taken);
      const debit = await insertSucceededDebit(trx, values, taken, account, {
        entryType: 'debit',
        paidDelta: -split.paid,
        grantedDelta: -split.granted,
        heldDelta: 0,
        reason: input.reason ?? null,
      });
      return { debit, taken };
    }),
  );
  if (debit.rejection) throw rejectionError(debit.rejection, debit.unit, debit.amount);
  return debitView(debit, taken);
}

async function takenBy(trx: Db, debit: CreditDebitRow): Promise<Taken[]> {
  const allocations = await listAllocationsOf(trx, { debitId: debit.id });
  return allocations.map((allocation) => ({ grantId: allocation.grant_id, kind: allocation.kind, amount: allocation.amount }));
}

/**
 * Reserves credits for work that has not finished: held credits are not spendable until the hold is
 * captured, released or expires (`expires_in` seconds). A repeated key returns the same hold.
 */
export async function placeHold(ctx: AppContext, tenantId: string, customerId: string, input: HoldInput): Promise<HoldView> {
  const account = { tenantId, customerId, unit: input.unit };
  const fingerprint = JSON.stringify([customerId, input.unit, input.amount, input.expires_in, input.reason ?? null]);
  const hold = await onceAcrossRaces(() =>
    inUnitOfWork(ctx, async (effects) => {
      const trx = effects.trx;
      const replay = async () => {
        const existing = await findCreditHoldByKey(trx, tenantId, input.idempotency_key);
        if (existing && existing.fingerprint !== fingerprint) throw creditErrors.idempotencyKeyReused(input.idempotency_key);
        return existing;
      };
      const earlier = await replay();
      if (earlier) return earlier;
      if (!(await lockCreditAccount(trx, account))) throw creditErrors.unknownUnit(input.unit);

      const taken = await takeCredits(trx, await settleAccount(trx, account, effects.now), input.amount);
      const hold = await insertCreditHold(trx, {
        tenant_id: tenantId,
        customer_id: customerId,
        unit: input.unit,
        amount: input.amount,
        status: taken ? 'held' : 'rejected',
        rejection: taken ? null : 'insufficient_credits',
        expires_at: new Date(effects.now.getTime() + input.expires_in * 1000),
        idempotency_key: input.idempotency_key,
        fingerprint,
        created_at: effects.now,
      });
      if (!taken) return hold;
      await insertCreditAllocations(trx, { holdId: hold.id }, taken);
      const split = splitByKind(taken);
      await appendCreditLedger(
        trx,
        account,
        [
          {
            entryType: 'hold',
            paidDelta: -split.paid,
            grantedDelta: -split.granted,
            heldDelta: input.amount,
            reference: { type: 'credit_hold', id: hold.id },
            reason: input.reason ?? null,
          },
        ],
        effects.now,
      );
      return hold;
    }),
  );
  if (hold.rejection) throw rejectionError(hold.rejection, hold.unit, hold.amount);
  return holdView(hold);
}

/** The hold as it is now (an expired one shows `expired`). */
export async function viewHold(ctx: AppContext, tenantId: string, customerId: string, holdId: string): Promise<HoldView> {
  return inUnitOfWork(ctx, async (effects) => {
    const hold = await requireHold(effects.trx, tenantId, customerId, holdId);
    await lockCreditAccount(effects.trx, accountOf(hold));
    await settleAccount(effects.trx, accountOf(hold), effects.now);
    return holdView(await requireHold(effects.trx, tenantId, customerId, holdId));
  });
}

/**
 * Consumes `amount` (default: all) of an open hold and gives the rest back. Capturing again with the
 * same amount answers the same; anything else on a hold that is no longer open is `409 hold_not_open`.
 */
export async function captureHold(
  ctx: AppContext,
  tenantId: string,
  customerId: string,
  holdId: string,
  input: CaptureInput,
): Promise<HoldView> {
  return endHold(ctx, tenantId, customerId, holdId, { status: 'captured', amount: input.amount });
}

/** Gives all of an open hold's credits back. Releasing a released hold again answers the same. */
export async function releaseHold(ctx: AppContext, tenantId: string, customerId: string, holdId: string): Promise<HoldView> {
  return endHold(ctx, tenantId, customerId, holdId, { status: 'released' });
}

async function endHold(
  ctx: AppContext,
  tenantId: string,
  customerId: string,
  holdId: string,
  action: { status: 'captured'; amount: number | undefined } | { status: 'released' },
): Promise<HoldView> {
  return inUnitOfWork(ctx, async (effects) => {
    const trx = effects.trx;
    const account = accountOf(await requireHold(trx, tenantId, customerId, holdId));
    await lockCreditAccount(trx, account);
    await settleAccount(trx, account, effects.now);
    const hold = await requireHold(trx, tenantId, customerId, holdId);
    if (hold.status !== 'held') {
      // A retried capture or release whose first answer was lost: same request, same answer.
      const retry =
        action.status === hold.status && (action.status === 'released' || (action.amount ?? hold.amount) === hold.captured_amount);
      if (retry) return holdView(hold);
      throw creditErrors.holdNotOpen(hold.id, hold.status);
    }
    const captured = action.status === 'captured' ? (action.amount ?? hold.amount) : 0;
    if (captured > hold.amount) throw creditErrors.captureTooLarge(hold.id, hold.amount);
    const ended = await settleHold(trx, account, hold, { captured, status: action.status, now: effects.now, reason: null });
    // Credits given back to a lot that expired while held are taken at once, never spendable.
    await expireLots(trx, account, effects.now);
    return holdView(ended);
  });
}

async function requireHold(trx: Db, tenantId: string, customerId: string, holdId: string): Promise<CreditHoldRow> {
  const hold = await findCreditHold(trx, tenantId, customerId, holdId);
  // A refused hold was never open; it exists only so that its key answers the same.
  if (!hold || hold.status === 'rejected') throw notFound('credit hold', holdId);
  return hold;
}

function accountOf(hold: CreditHoldRow): CreditAccountKey {
  return { tenantId: hold.tenant_id, customerId: hold.customer_id, unit: hold.unit };
}

/**
 * Runs an idempotent write, and once more if it lost a race on an idempotency key: two requests with
 * one key both passed the first look-up, and the second insert hit the unique index (after waiting
 * for the account lock, or on another account). Its transaction rolled back whole; the second run
 * finds the winner's row and answers from it. Not re-reading the key under the lock keeps the lock
 * held one statement shorter on every debit.
 */
async function onceAcrossRaces<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') return attempt();
    throw error;
  }
}
