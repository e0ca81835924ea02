import { withContext } from '../../cli/with-context';
import { validationError } from '../../http/error-handler';
import { pageOf, readCursor } from '../../http/cursor';
import type { PaymentRequestStatus } from '../../store/payment-requests-schema';
import { createPaymentRequestInput, PAYMENT_REQUEST_STATUSES } from './payment-request-input';
import {
  createPaymentRequest,
  listPaymentRequests,
  paymentRequestDetail,
  refreshPaymentRequest,
  viewPaymentRequest,
} from './payment-request-service';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

interface CreateOptions {
  tenant: string;
  connection: string;
  amount: string;
  currency: string;
  method: string;
  description?: string;
  flow?: string;
  returnUrl?: string;
  email?: string;
  idempotencyKey?: string;
}

export const create = (options: CreateOptions) =>
  withContext(async (ctx) => {
    if (!/^-?\d+(\.\d+)?$/.test(options.amount)) throw new Error('--amount must be a whole number of minor units, e.g. 2000 for USD 20.00');
    const parsed = createPaymentRequestInput.safeParse({
      connection_id: options.connection,
      amount: Number(options.amount),
      currency: options.currency,
      method: options.method,
      description: options.description,
      flow_id: options.flow,
      return_url: options.returnUrl,
      customer: options.email ? { email: options.email } : undefined,
      idempotency_key: options.idempotencyKey,
    });
    if (!parsed.success) throw validationError(parsed.error);
    print(await createPaymentRequest(ctx, options.tenant, parsed.data));
  });

export const show = (options: { tenant: string; id: string; refresh?: boolean }) =>
  withContext(async (ctx) => {
    if (options.refresh) await refreshPaymentRequest(ctx, options.tenant, options.id);
    print(await paymentRequestDetail(ctx, options.tenant, options.id));
  });

export const list = (options: { tenant: string; status?: string; limit: string; cursor?: string }) =>
  withContext(async (ctx) => {
    if (options.status && !PAYMENT_REQUEST_STATUSES.includes(options.status as PaymentRequestStatus))
      throw new Error(`--status must be one of ${PAYMENT_REQUEST_STATUSES.join(', ')}`);
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error('--limit must be a whole number from 1 to 100');
    const before = readCursor(options.cursor);
    const rows = await listPaymentRequests(
      ctx,
      { tenantId: options.tenant, status: options.status as PaymentRequestStatus | undefined },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    print({ data: page.rows.map(viewPaymentRequest), next_cursor: page.nextCursor });
  });
