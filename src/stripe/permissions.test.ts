import { describe, expect, it } from 'vitest';
import { requiredPermissions } from './permissions';

describe('required restricted-key permissions', () => {
  it("asks for the strongest access per resource, by Stripe's names", () => {
    const names = requiredPermissions(['subscriptions', 'catalog'], 'auto').map((p) => p.name);
    expect(names).toEqual([
      'rak_checkout_session_write',
      'rak_customer_portal_write',
      'rak_customer_write',
      'rak_event_read',
      'rak_invoice_read',
      'rak_plan_read',
      'rak_product_read',
      'rak_subscription_read',
      'rak_webhook_write',
    ]);
  });

  it('needs no webhook permission for manual setup', () => {
    expect(requiredPermissions(['customers'], 'manual').map((p) => p.name)).toEqual(['rak_customer_read', 'rak_event_read']);
  });
});
