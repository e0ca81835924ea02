import type { Json, StripeObject } from '../core/json';
import { systemContext, type ApiContext } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import { ACH_SETTLE_SECONDS, bankOutcome, type BankOutcome } from './bank-accounts';
import { settleAsyncPayment } from './payment-engine';

/** How a processing payment will end: a bank debit by its test account number, anything else clears. */
export function settlementOf(ctx: ApiContext, pi: StripeObject): { outcome: BankOutcome; failureCode: string | null } {
  const pm = ctx.sandbox.store.get(ctx.scope, 'payment_method', String(pi.payment_method));
  if (pm?.type === 'us_bank_account') return bankOutcome(pm.us_bank_account as Json);
  return { outcome: 'succeeded', failureCode: null };
}

/** Clock hook: bank debits that have been processing for the ACH settlement time clear or bounce. */
export function settleDueBankDebits(sandbox: Sandbox): void {
  const now = sandbox.clock.now();
  for (const { scope, data: pi } of sandbox.store.all('payment_intent')) {
    if (pi.status !== 'processing') continue;
    const since = sandbox.store.getRelated<number>(pi.id, 'processing_since');
    const pm = sandbox.store.get(scope, 'payment_method', String(pi.payment_method));
    if (since === undefined || pm?.type !== 'us_bank_account' || since + ACH_SETTLE_SECONDS > now) continue;
    const ctx = systemContext(sandbox, scope);
    const { outcome, failureCode } = settlementOf(ctx, pi);
    settleAsyncPayment(ctx, pi, outcome, failureCode ?? undefined);
  }
}
