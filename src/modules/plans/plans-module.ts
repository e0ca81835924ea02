import type { BusinessModule } from '../../domain/module';
import { markPriceUsersNeedingAttention } from '../../store/plans';

/**
 * Watches the connected account's catalog for the prices plans and packages sell: a price deleted or
 * archived in Stripe can no longer be bought, so those plans and packages become `needs_attention`
 * with a reason saying what to do.
 */
export const plansModule: BusinessModule = {
  name: 'plans',
  feature: 'subscriptions',
  payableTypes: [],
  describes: 'flagging plans whose Stripe price was archived',
  handles: {
    'catalog.changed': async (effects, fact) => {
      if (fact.objectType !== 'price') return { status: 'ignored', reason: 'recorded; plans watch prices, not products' };
      const gone = fact.deleted ? 'deleted' : fact.object.active === false ? 'archived' : undefined;
      if (!gone) return { status: 'ignored', reason: `recorded; price ${fact.objectId} is still active` };
      const cause = effects.cause!;
      const reason = `Stripe price ${fact.objectId} was ${gone}, so checkout for it fails. Pick an active price of the connection (PATCH price_ids), or create the plan again.`;
      const marked = await markPriceUsersNeedingAttention(effects.trx, {
        connectionId: cause.connectionId,
        priceId: fact.objectId,
        reason,
        now: effects.now,
      });
      for (const plan of marked.plans)
        effects.recordDomainEvent({
          tenantId: plan.tenant_id,
          type: 'plan.needs_attention',
          object: { type: 'plan', id: plan.id },
          snapshot: { id: plan.id, status: plan.status, status_reason: plan.status_reason },
        });
      for (const pkg of marked.packages)
        effects.recordDomainEvent({
          tenantId: pkg.tenant_id,
          type: 'package.needs_attention',
          object: { type: 'package', id: pkg.id },
          snapshot: { id: pkg.id, status: pkg.status, status_reason: pkg.status_reason },
        });
      const count = marked.plans.length + marked.packages.length;
      if (count === 0)
        return { status: 'ignored', reason: `recorded; no plan or package sells price ${fact.objectId} (or they are already flagged)` };
      return { status: 'processed', note: `price ${fact.objectId} ${gone}: ${count} plan(s)/package(s) need attention` };
    },
  },
};
