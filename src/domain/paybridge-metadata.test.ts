import { describe, expect, it } from 'vitest';
import { ownershipOf, payableMetadata, readPaybridgeMetadata } from './paybridge-metadata';

describe('Paybridge metadata', () => {
  it('reads the tenant and the payable it writes', () => {
    const metadata = payableMetadata('ten_1', { type: 'invoice', id: 'inv_1' });
    expect(metadata).toEqual({
      paybridge_tenant_id: 'ten_1',
      tenant_id: 'ten_1',
      paybridge_payable_type: 'invoice',
      paybridge_payable_id: 'inv_1',
    });
    expect(readPaybridgeMetadata({ metadata })).toEqual({ tenantId: 'ten_1', payable: { type: 'invoice', id: 'inv_1' } });
  });

  it('routes the legacy paybridge_invoice_id to invoices, and prefers the payable keys when both are there', () => {
    expect(readPaybridgeMetadata({ metadata: { paybridge_tenant_id: 'ten_1', paybridge_invoice_id: 'inv_old' } }).payable).toEqual({
      type: 'invoice',
      id: 'inv_old',
    });
    const both = { paybridge_invoice_id: 'inv_old', ...payableMetadata('ten_1', { type: 'top_up', id: 'tu_1' }) };
    expect(readPaybridgeMetadata({ metadata: both }).payable).toEqual({ type: 'top_up', id: 'tu_1' });
  });

  it("finds the metadata of a subscription's invoice under subscription_details or parent.subscription_details", () => {
    const metadata = payableMetadata('ten_2', { type: 'subscription', id: 'sub_pb' });
    expect(readPaybridgeMetadata({ subscription_details: { metadata } }).payable?.id).toBe('sub_pb');
    expect(readPaybridgeMetadata({ parent: { subscription_details: { metadata } } }).tenantId).toBe('ten_2');
  });

  it('has no payable without a tenant, nor with half of the payable keys', () => {
    expect(readPaybridgeMetadata({ metadata: { paybridge_payable_type: 'invoice', paybridge_payable_id: 'inv_1' } })).toEqual({
      tenantId: undefined,
      payable: undefined,
    });
    expect(readPaybridgeMetadata({ metadata: { tenant_id: 'ten_1', paybridge_payable_type: 'invoice' } }).payable).toBeUndefined();
    expect(readPaybridgeMetadata({ metadata: 'not an object' })).toEqual({ tenantId: undefined, payable: undefined });
  });

  it("tells this tenant's objects from another tenant's and from unstamped ones", () => {
    const connection = { tenant_id: 'ten_1' };
    expect(ownershipOf({ metadata: { paybridge_tenant_id: 'ten_1' } }, connection)).toEqual({ owner: 'this_tenant' });
    expect(ownershipOf({ metadata: { tenant_id: 'ten_9' } }, connection)).toEqual({ owner: 'other_tenant' });
    expect(ownershipOf({ metadata: {} }, connection)).toEqual({ owner: 'none' });
  });
});
