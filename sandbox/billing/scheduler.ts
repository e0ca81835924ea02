import type { StripeObject } from '../core/json';
import { systemContext, type ApiContext } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import type { Scope } from '../core/store';
import { SECONDS_PER_DAY } from './calendar';
import { attemptInvoicePayment, collectAfterFinalize, finalizeInvoice, voidInvoice } from './invoice-actions';
import { billingSettings, subscriptionNotes } from './settings';
import { endTrial, renewSubscription } from './subscription-cycle';
import { currentPeriod } from './subscription-items';
import { cancelSubscriptionNow } from './subscription-status';
import { upcomingInvoice } from './upcoming';

// Runs everything billing has due, in time order, up to a target time: for the customers of one
// test clock, or for customers without one when the sandbox's own clock moves. Each step runs at
// its own time, so a jump of three months renews three times and retries in between, as Stripe does.

interface DueStep {
  at: number;
  scope: Scope;
  run(ctx: ApiContext, at: number): void;
}

const RUNNING = ['active', 'past_due', 'unpaid'];

function subscriptionSteps(sandbox: Sandbox, scope: Scope, sub: StripeObject): DueStep[] {
  const steps: DueStep[] = [];
  const settings = billingSettings(sandbox, scope);
  const notes = subscriptionNotes(sandbox, sub.id);
  const step = (at: number, run: DueStep['run']) => steps.push({ at, scope, run });
  const status = String(sub.status);
  if (status === 'incomplete') {
    step(Number(sub.created) + settings.incompleteExpirySeconds, (ctx, at) => {
      const invoice = sub.latest_invoice ? ctx.sandbox.store.get(ctx.scope, 'invoice', String(sub.latest_invoice)) : undefined;
      if (invoice?.status === 'open') voidInvoice(ctx, invoice, at);
      Object.assign(sub, { status: 'incomplete_expired', ended_at: at });
      ctx.sandbox.emit(ctx.scope, 'customer.subscription.deleted', sub);
    });
  }
  if (status === 'trialing' && typeof sub.trial_end === 'number') {
    const trialEnd = sub.trial_end;
    if (!notes.trialWillEndSent) {
      step(Math.max(Number(sub.created), trialEnd - settings.trialWillEndDays * SECONDS_PER_DAY), (ctx) => {
        notes.trialWillEndSent = true;
        ctx.sandbox.emit(ctx.scope, 'customer.subscription.trial_will_end', sub);
      });
    }
    step(trialEnd, (ctx, at) => endTrial(ctx, sub, at));
  }
  if (RUNNING.includes(status)) {
    const period = currentPeriod(sub);
    const cancelAt = typeof sub.cancel_at === 'number' ? sub.cancel_at : null;
    if (cancelAt !== null && cancelAt <= period.end) {
      step(cancelAt, (ctx, at) => cancelSubscriptionNow(ctx, sub, at, 'cancellation_requested'));
    } else if (sub.pause_collection === null) {
      if (notes.upcomingSentFor !== period.end && period.end - settings.upcomingDays * SECONDS_PER_DAY > period.start) {
        step(period.end - settings.upcomingDays * SECONDS_PER_DAY, (ctx, at) => {
          notes.upcomingSentFor = period.end;
          ctx.sandbox.emit(ctx.scope, 'invoice.upcoming', upcomingInvoice(ctx, sub, at));
        });
      }
      step(period.end, (ctx, at) => renewSubscription(ctx, sub, at));
    }
  }
  return steps;
}

function invoiceSteps(scope: Scope, invoice: StripeObject): DueStep[] {
  if (invoice.status === 'draft' && invoice.auto_advance === true && typeof invoice.automatically_finalizes_at === 'number') {
    return [
      {
        at: invoice.automatically_finalizes_at,
        scope,
        run(ctx, at) {
          finalizeInvoice(ctx, invoice, at);
          collectAfterFinalize(ctx, invoice, at);
        },
      },
    ];
  }
  if (invoice.status === 'open' && invoice.auto_advance === true && typeof invoice.next_payment_attempt === 'number') {
    return [
      { at: invoice.next_payment_attempt, scope, run: (ctx, at) => void attemptInvoicePayment(ctx, invoice, at, { automatic: true }) },
    ];
  }
  return [];
}

function clockOf(sandbox: Sandbox, scope: Scope, customerId: unknown): string | null {
  const customer = sandbox.store.get(scope, 'customer', String(customerId));
  return typeof customer?.test_clock === 'string' ? customer.test_clock : null;
}

function dueSteps(sandbox: Sandbox, clockId: string | null, until: number): DueStep[] {
  const steps: DueStep[] = [];
  for (const { scope, data } of sandbox.store.all('subscription')) {
    if (clockOf(sandbox, scope, data.customer) === clockId) steps.push(...subscriptionSteps(sandbox, scope, data));
  }
  for (const { scope, data } of sandbox.store.all('invoice')) {
    if (clockOf(sandbox, scope, data.customer) === clockId) steps.push(...invoiceSteps(scope, data));
  }
  return steps.filter((s) => s.at <= until);
}

/**
 * Runs the due steps for `clockId`'s customers (null: customers on the sandbox clock) one at a
 * time, earliest first, recomputing after each (a renewal schedules the next). `onStep` moves a
 * test clock's frozen time along. Bounded, so a misconfigured cycle cannot spin forever.
 */
export function runBillingUntil(sandbox: Sandbox, clockId: string | null, until: number, onStep?: (at: number) => void): number {
  let ran = 0;
  for (; ran < 10_000; ran++) {
    const steps = dueSteps(sandbox, clockId, until).sort((a, b) => a.at - b.at);
    const next = steps[0];
    if (!next) break;
    onStep?.(next.at);
    next.run(systemContext(sandbox, next.scope), next.at);
  }
  return ran;
}
