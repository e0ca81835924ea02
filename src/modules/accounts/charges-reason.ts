import type { FactOf } from '../../domain/facts';

/** Status reasons this module owns start with this, so other checks leave them alone and it replaces only its own. */
export const CHARGES_REASON = 'account_charges_disabled';

/**
 * The reason a connection needs attention when its account can no longer take charges, in words an
 * admin can act on; undefined while charges are enabled (or Stripe did not say).
 */
export function chargesReason(fact: FactOf<'account.changed'>): string | undefined {
  if (fact.chargesEnabled !== false) return undefined;
  const why = fact.disabledReason ? ` (${fact.disabledReason})` : '';
  const due = fact.requirementsDue.length > 0 ? ` Stripe needs: ${fact.requirementsDue.join(', ')}.` : '';
  const deadline = fact.requirementsDeadline ? ` Deadline ${new Date(fact.requirementsDeadline * 1000).toISOString()}.` : '';
  return `${CHARGES_REASON}: Stripe disabled charges on ${fact.accountId}${why}; payments fail until the account's requirements are provided in Stripe's dashboard.${due}${deadline}`;
}
