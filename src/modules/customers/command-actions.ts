import { printJson, withContext } from '../../cli/with-context';
import { toSubscriptionView } from '../subscriptions/subscription-view';
import { listSubscriptions } from '../subscriptions/subscriptions-service';
import { listActiveEntitlements } from '../entitlements/entitlements-service';
import { resolveCustomer, viewCustomer } from './customers-service';

export const show = (ref: string, options: { tenant: string; json?: boolean }) =>
  withContext(async (ctx) => {
    const customer = await resolveCustomer(ctx.store.db, options.tenant, ref);
    const view = await viewCustomer(ctx.store.db, customer);
    const subscriptions = (await listSubscriptions(ctx, { tenantId: options.tenant, customerId: customer.id }, { limit: 50 })).map(
      toSubscriptionView,
    );
    const entitlements = await listActiveEntitlements(ctx.store.db, customer.id, ctx.now());
    if (options.json) return printJson({ ...view, subscriptions, entitlements });
    const lines = [
      `${view.id}  ${view.email}${view.name ? ` (${view.name})` : ''}  external_id=${view.external_id ?? '-'}`,
      ...view.stripe_customers.map((link) => `  stripe: ${link.stripe_customer_id} on ${link.connection_id}`),
      `subscriptions (${subscriptions.length}):`,
      ...subscriptions.map(
        (sub) =>
          `  ${sub.id}  ${sub.status}  plan=${sub.plan_id ?? '-'}  period_end=${sub.current_period_end ?? '-'}${sub.cancel_at_period_end ? '  (cancels at period end)' : ''}`,
      ),
      `entitlements (${entitlements.length}):`,
      ...entitlements.map(
        (e) => `  ${e.key}=${String(e.value)}  ${e.status}  from ${e.source.type} ${e.source.id}  until ${e.active_until ?? '-'}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
