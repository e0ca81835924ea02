import type { BusinessModule } from '../../domain/module';
import { setAccountStatus } from '../../store/connections';

/** Keeps each connection's account status (charges and payouts enabled, why disabled) from `account.updated`. */
export const accountsModule: BusinessModule = {
  name: 'accounts',
  feature: 'account',
  payableTypes: [],
  describes: 'tracking the account status',
  handles: {
    'account.changed': async (effects, fact) => {
      const cause = effects.cause!;
      const status = {
        charges_enabled: fact.chargesEnabled,
        payouts_enabled: fact.payoutsEnabled,
        details_submitted: fact.detailsSubmitted,
        disabled_reason: fact.disabledReason,
        updated_from_event: cause.stripeEventId,
      };
      await setAccountStatus(effects.trx, cause.connectionId, status);
      effects.recordDomainEvent({
        tenantId: cause.tenantId,
        type: 'connection.account_updated',
        object: { type: 'connection', id: cause.connectionId },
        snapshot: { id: cause.connectionId, account_id: fact.accountId, account_status: status },
      });
      return {
        status: 'processed',
        note: `account status: charges ${status.charges_enabled ? 'enabled' : 'disabled'}, payouts ${status.payouts_enabled ? 'enabled' : 'disabled'}`,
      };
    },
  },
};
