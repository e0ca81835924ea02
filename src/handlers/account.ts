import type { HandlerRegistry } from './registry';
import { recordObject } from './record-owned';

/** `account.updated` refreshes the connection's account status (charges/payouts enabled, requirements). */
export function registerAccountHandlers(registry: HandlerRegistry): void {
  registry.on('account', ['account.updated'], async (input) => {
    const recorded = await recordObject(input);
    if (recorded.status !== 'processed') return recorded;
    const account = input.object!.current.data;
    if (input.connection.account_id && account.id !== input.connection.account_id) {
      return {
        status: 'ignored',
        reason: `recorded; ${String(account.id)} is not this connection's account (${input.connection.account_id})`,
      };
    }
    const status = {
      charges_enabled: account.charges_enabled ?? null,
      payouts_enabled: account.payouts_enabled ?? null,
      details_submitted: account.details_submitted ?? null,
      disabled_reason: (account.requirements as Record<string, unknown> | undefined)?.disabled_reason ?? null,
      updated_from_event: input.event.id,
    };
    await input.trx
      .updateTable('connections')
      .set({ account_status: JSON.stringify(status) })
      .where('id', '=', input.connection.id)
      .execute();
    return {
      status: 'processed',
      note: `account status: charges ${status.charges_enabled ? 'enabled' : 'disabled'}, payouts ${status.payouts_enabled ? 'enabled' : 'disabled'}`,
    };
  });
  registry.on('issuing', ['issuing_card.updated', 'issuing_cardholder.updated'], recordObject);
  registry.on('payment_method', ['payment_method.automatically_updated'], recordObject);
}
