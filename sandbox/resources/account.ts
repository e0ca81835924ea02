import { read, type Resource } from '../core/resource';

function emptyRequirements() {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
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
      handle(ctx) {
        const acct = ctx.sandbox.accounts.get(ctx.scope.account)!;
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
          capabilities: { card_payments: 'active', transfers: 'active' },
          charges_enabled: true,
          controller: { type: 'account' },
          country: acct.country,
          created: acct.created,
          default_currency: acct.defaultCurrency,
          details_submitted: true,
          email: acct.email,
          external_accounts: { object: 'list', data: [], has_more: false, url: `/v1/accounts/${acct.id}/external_accounts` },
          future_requirements: emptyRequirements(),
          metadata: {},
          payouts_enabled: true,
          requirements: emptyRequirements(),
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
      },
    },
  ],
};
