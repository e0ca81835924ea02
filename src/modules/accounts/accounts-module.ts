import { deriveStatus } from '../../connections/connection-status';
import type { BusinessModule } from '../../domain/module';
import { lockConnection, setAccountStatus, setConnectionReasons } from '../../store/connections';
import { CHARGES_REASON, chargesReason } from './charges-reason';

/**
 * Keeps each connection's account state (charges and payouts enabled, requirements due and their
 * deadline) from `account.updated`. An account that can no longer take charges makes the connection
 * `needs_attention` with the reason (and `connection.needs_attention` once); re-enabled, the reason
 * goes and the status follows. The fact comes from the account's newest stored version, so a late
 * or repeated event changes nothing.
 */
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
        requirements_currently_due: fact.requirementsDue,
        requirements_deadline: fact.requirementsDeadline ? new Date(fact.requirementsDeadline * 1000).toISOString() : null,
        updated_from_event: cause.stripeEventId,
      };
      await setAccountStatus(effects.trx, cause.connectionId, status);
      const connection = await lockConnection(effects.trx, cause.connectionId);
      let attention = '';
      if (connection) {
        const reason = chargesReason(fact);
        const before = connection.status_reasons.find((r) => r.startsWith(CHARGES_REASON));
        const reasons = [...connection.status_reasons.filter((r) => !r.startsWith(CHARGES_REASON)), ...(reason ? [reason] : [])];
        if (before !== reason) {
          const derived = deriveStatus({ ...connection, status_reasons: reasons });
          await setConnectionReasons(effects.trx, connection.id, reasons, derived, effects.now);
          if (reason && !before) {
            effects.recordDomainEvent({
              tenantId: cause.tenantId,
              type: 'connection.needs_attention',
              object: { type: 'connection', id: connection.id },
              snapshot: { id: connection.id, status: derived, status_reasons: reasons, account_status: status },
            });
          }
          attention = reason ? '; needs attention' : before ? '; charges re-enabled, reason cleared' : '';
        }
      }
      effects.recordDomainEvent({
        tenantId: cause.tenantId,
        type: 'connection.account_updated',
        object: { type: 'connection', id: cause.connectionId },
        snapshot: { id: cause.connectionId, account_id: fact.accountId, account_status: status },
      });
      return {
        status: 'processed',
        note: `account status: charges ${status.charges_enabled ? 'enabled' : 'disabled'}, payouts ${status.payouts_enabled ? 'enabled' : 'disabled'}${attention}`,
      };
    },
  },
};
