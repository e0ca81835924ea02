import type { BusinessModule } from '../../domain/module';
import { recordExpiredCheckout, recordFailedPayment, recordPendingPayment } from './record-attempt';
import { recordInvoicePayment } from './record-payment';

/**
 * Paybridge's invoices (SPEC C4): paid through payment links whose objects carry
 * `paybridge_payable_type: invoice` (or, for invoices finalized earlier, `paybridge_invoice_id`).
 * The API side (create, finalize, void, diagnosis) is in src/billing/.
 */
export const invoicesModule: BusinessModule = {
  name: 'invoices',
  feature: 'invoicing',
  payableTypes: ['invoice'],
  describes: 'applying payments to invoices',
  handles: {
    'payment.succeeded': recordInvoicePayment,
    'payment.pending': recordPendingPayment,
    'payment.failed': recordFailedPayment,
    'checkout.expired': recordExpiredCheckout,
  },
};
