import type { HandlerRegistry } from './registry';
import { summarizeObject } from './object-summary';
import { translateRecorded } from './record-owned';
import type { HandlerInput, HandlerOutcome, Translation } from './types';

/** Kept for the record only: the event log shows what changed in one readable line. */
function withSummary(translated: Translation | HandlerOutcome, input: HandlerInput): Translation | HandlerOutcome {
  if (!('facts' in translated) || !input.object) return translated;
  return { ...translated, note: summarizeObject(input.object.current.data) };
}

const flag = (value: unknown) => (typeof value === 'boolean' ? value : null);

/** `account.updated` becomes an account fact when it is this connection's account (charges/payouts enabled, requirements). */
export function registerAccountHandlers(registry: HandlerRegistry): void {
  registry.on('account', ['account.updated'], async (input) => {
    const translated = translateRecorded(input);
    if (!('facts' in translated)) return translated;
    const account = input.object!.current.data;
    if (input.connection.account_id && account.id !== input.connection.account_id) {
      return {
        status: 'ignored',
        reason: `recorded; ${String(account.id)} is not this connection's account (${input.connection.account_id})`,
      };
    }
    const requirements = (account.requirements ?? {}) as Record<string, unknown>;
    return {
      ...translated,
      facts: [
        {
          kind: 'account.changed',
          accountId: String(account.id),
          chargesEnabled: flag(account.charges_enabled),
          payoutsEnabled: flag(account.payouts_enabled),
          detailsSubmitted: flag(account.details_submitted),
          disabledReason: typeof requirements.disabled_reason === 'string' ? requirements.disabled_reason : null,
          requirementsDue: Array.isArray(requirements.currently_due) ? requirements.currently_due.map(String) : [],
          requirementsDeadline: typeof requirements.current_deadline === 'number' ? requirements.current_deadline : null,
        },
      ],
    };
  });
  registry.on('issuing', ['issuing_card.updated', 'issuing_cardholder.updated'], async (input) =>
    withSummary(translateRecorded(input), input),
  );
  registry.on('payment_method', ['payment_method.automatically_updated'], async (input) => withSummary(translateRecorded(input), input));
}
