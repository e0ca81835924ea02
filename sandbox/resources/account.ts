import { emptyRequirements, type Account } from '../core/accounts';
import type { Json } from '../core/json';
import { read, type Resource } from '../core/resource';

function requirementsOf(acct: Account): Json {
  const r = acct.requirements;
  return {
    alternatives: [],
    current_deadline: r.current_deadline,
    currently_due: [...r.currently_due],
    disabled_reason: r.disabled_reason,
    errors: [],
    eventually_due: [...new Set([...r.eventually_due, ...r.currently_due])],
    past_due: [...r.past_due],
    pending_verification: [...r.pending_verification],
  };
}

/** The account as `GET /v1/account` and `account.updated` show it. */
export function accountObject(acct: Account): Json {
  return {
    id: acct.id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: null,
      name: acct.businessName,
      product_description: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
      minority_owned_business_designation: null,
    },
    business_type: null,
    capabilities: { ...acct.capabilities },
    charges_enabled: acct.chargesEnabled,
    controller: { type: 'account' },
    country: acct.country,
    created: acct.created,
    default_currency: acct.defaultCurrency,
    details_submitted: true,
    email: acct.email,
    external_accounts: { object: 'list', data: [], has_more: false, url: `/v1/accounts/${acct.id}/external_accounts` },
    future_requirements: requirementsOf({ ...acct, requirements: emptyRequirements() }),
    metadata: {},
    payouts_enabled: acct.payoutsEnabled,
    requirements: requirementsOf(acct),
    settings: {
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_payments: { decline_on: { avs_failure: false, cvc_failure: false }, statement_descriptor_prefix: null },
      dashboard: { display_name: acct.businessName, timezone: 'Etc/UTC' },
      payments: { statement_descriptor: null },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: 'standard',
  };
}

export const account: Resource = {
  name: 'account',
  routes: [
    {
      method: 'GET',
      path: '/v1/account',
      // With a restricted key Stripe asks for a Connect-section permission here, not a core one.
      permission: read('accounts_kyc_basic'),
      params: [],
      handle: (ctx) => accountObject(ctx.sandbox.accounts.get(ctx.scope.account)!),
    },
  ],
};
