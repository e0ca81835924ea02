import type { Effects } from '../../domain/effects';
import { AppError, invalidField } from '../../errors';
import { appendCreditLedger, ensureCreditAccount, findCreditGrantByKey, insertCreditGrant, lockCreditAccount } from '../../store/credits';
import type { CreditGrantRow, CreditKind } from '../../store/credits-schema';
import { creditErrors } from './credit-errors';
import { MAX_CREDIT_AMOUNT, UNIT_PATTERN } from './credit-input';
import { grantView } from './credit-views';
import { expireLots, settleAccount } from './ledger';

export interface GrantCreditsInput {
  readonly tenantId: string;
  /** Paybridge's customer id (`cust_…`), already known to belong to `tenantId`. */
  readonly customerId: string;
  readonly unit: string;
  readonly amount: number;
  /** `paid` for credits the customer bought, `granted` for goodwill and promotions: balances show them apart. */
  readonly kind: CreditKind;
  /** What the credits came from, e.g. `{ type: 'checkout_session', id: 'cs_…' }` or `{ type: 'api', id: null }`. */
  readonly source: { readonly type: string; readonly id: string | null };
  /** When the credits stop being spendable; absent or null = never. Already past: granted and expired at once. */
  readonly expiresAt?: Date | null;
  /** Unique per tenant: a second call with the same key grants nothing and returns the first grant. */
  readonly idempotencyKey: string;
  readonly reason?: string | null;
}

/**
 * Grants credits inside the caller's transaction and records the `credits.granted` domain event with it.
 * Idempotent on `idempotencyKey`: the same key again returns the first grant (`created: false`);
 * the same key with a different customer, unit, amount, kind, source or reason throws
 * `409 idempotency_key_reused`.
 *
 * For other modules, called with the `effects` of the processing transaction, e.g. when a package
 * purchase is paid (grant exactly once per Checkout Session by keying on the session id):
 *
 * ```ts
 * await grantCredits(effects, {
 *   tenantId, customerId: customer.id, unit: pkg.grants.credits.unit,
 *   amount: pkg.grants.credits.amount * quantity, kind: 'paid',
 *   source: { type: 'checkout_session', id: session.id },
 *   expiresAt: pkg.expires_after_days ? addDays(effects.now, pkg.expires_after_days) : null,
 *   idempotencyKey: `checkout_session:${session.id}:credits`,
 * });
 * ```
 * It locks the customer's account of that unit until the transaction commits.
 */
export async function grantCredits(effects: Effects, input: GrantCreditsInput): Promise<{ grant: CreditGrantRow; created: boolean }> {
  checkGrant(input);
  const trx = effects.trx;
  const fingerprint = grantFingerprint(input);
  const replay = async () => {
    const existing = await findCreditGrantByKey(trx, input.tenantId, input.idempotencyKey);
    if (!existing) return undefined;
    if (existing.fingerprint !== fingerprint) throw creditErrors.idempotencyKeyReused(input.idempotencyKey);
    return { grant: existing, created: false };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const account = { tenantId: input.tenantId, customerId: input.customerId, unit: input.unit };
  await ensureCreditAccount(trx, account);
  await lockCreditAccount(trx, account);
  // A grant with the same key may have committed while this one waited for the lock.
  const raced = await replay();
  if (raced) return raced;
  await settleAccount(trx, account, effects.now);

  const grant = await insertCreditGrant(trx, {
    tenant_id: input.tenantId,
    customer_id: input.customerId,
    unit: input.unit,
    kind: input.kind,
    amount: input.amount,
    remaining: input.amount,
    source_type: input.source.type,
    source_id: input.source.id,
    reason: input.reason ?? null,
    expires_at: input.expiresAt ?? null,
    idempotency_key: input.idempotencyKey,
    fingerprint,
    created_at: effects.now,
  });
  await appendCreditLedger(
    trx,
    account,
    [
      {
        entryType: 'grant',
        paidDelta: input.kind === 'paid' ? input.amount : 0,
        grantedDelta: input.kind === 'granted' ? input.amount : 0,
        heldDelta: 0,
        reference: { type: 'credit_grant', id: grant.id },
        reason: input.reason ?? null,
      },
    ],
    effects.now,
  );
  // A purchase processed late (a delayed or replayed event) may grant credits already past their
  // expiry: they are granted and expire at once, so the ledger shows both and nothing is spendable.
  if (input.expiresAt && input.expiresAt.getTime() <= effects.now.getTime()) await expireLots(trx, account, effects.now);
  effects.recordDomainEvent({
    tenantId: input.tenantId,
    type: 'credits.granted',
    object: { type: 'credit_grant', id: grant.id },
    snapshot: grantView(grant),
  });
  return { grant, created: true };
}

/** Other modules pass values they computed; a wrong one is a bug there, reported plainly. */
function checkGrant(input: GrantCreditsInput): void {
  if (!UNIT_PATTERN.test(input.unit)) {
    throw invalidField('unit', 'invalid_unit', `"${input.unit}" is not a credit unit: use a lowercase name such as job_credits.`);
  }
  if (!Number.isSafeInteger(input.amount) || input.amount < 1 || input.amount > MAX_CREDIT_AMOUNT) {
    throw invalidField(
      'amount',
      'invalid_amount',
      `A grant is a whole number of credits from 1 to ${MAX_CREDIT_AMOUNT}, not ${input.amount}.`,
    );
  }
  if (input.idempotencyKey.length === 0 || input.idempotencyKey.length > 255) {
    throw new AppError({
      code: 'invalid_idempotency_key',
      status: 422,
      field: 'idempotency_key',
      message: 'An idempotency key is 1 to 255 characters.',
    });
  }
}

/**
 * What makes two grants "the same request". The expiry is left out: callers compute it from their
 * clock (now + N days), so a retry of the same grant would otherwise look like a different one.
 */
function grantFingerprint(input: GrantCreditsInput): string {
  return JSON.stringify([input.customerId, input.unit, input.amount, input.kind, input.source.type, input.source.id, input.reason ?? null]);
}
