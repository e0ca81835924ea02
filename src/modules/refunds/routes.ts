import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, tenantIdParam } from '../../http/schemas';
import {
  createInvoiceRefund,
  createPaymentRequestRefund,
  createRefundInput,
  listInvoiceRefunds,
  listPaymentRequestRefunds,
} from './refund-service';
import { refundView } from './refund-view';

const invoiceParams = tenantIdParam.extend({
  invoice_id: z.string().openapi({ param: { name: 'invoice_id', in: 'path' }, example: 'inv_…' }),
});
const requestParams = tenantIdParam.extend({
  payment_request_id: z.string().openapi({ param: { name: 'payment_request_id', in: 'path' }, example: 'preq_…' }),
});
const path = '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/refunds';
const requestPath = '/api/v1/tenants/{tenant_id}/payment-requests/{payment_request_id}/refunds';
const conflict = {
  409: { description: 'The invoice or payment request is not paid, or nothing is left to refund.', content: errorResponses[422].content },
};
const refundList = z.object({ data: z.array(refundView) }).openapi('RefundList');

const routes = {
  create: createRoute({
    operationId: 'createInvoiceRefund',
    method: 'post',
    path,
    summary: 'Refund a paid invoice through Stripe (everything left by default); safe to retry',
    request: { params: invoiceParams, ...jsonBody(createRefundInput) },
    responses: { 201: jsonResponse(refundView, 'The refund as Stripe answered it.'), ...errorResponses, ...conflict },
  }),
  list: createRoute({
    operationId: 'listInvoiceRefunds',
    method: 'get',
    path,
    summary: "The invoice's refunds, made through Paybridge or in Stripe directly, newest first",
    request: { params: invoiceParams },
    responses: { 200: jsonResponse(refundList, 'Refunds.'), ...errorResponses },
  }),
  createForRequest: createRoute({
    operationId: 'createPaymentRequestRefund',
    method: 'post',
    path: requestPath,
    summary: 'Refund a paid payment request through Stripe (everything left by default); safe to retry',
    request: { params: requestParams, ...jsonBody(createRefundInput) },
    responses: { 201: jsonResponse(refundView, 'The refund as Stripe answered it.'), ...errorResponses, ...conflict },
  }),
  listForRequest: createRoute({
    operationId: 'listPaymentRequestRefunds',
    method: 'get',
    path: requestPath,
    summary: "The payment request's refunds, made through Paybridge or in Stripe directly, newest first",
    request: { params: requestParams },
    responses: { 200: jsonResponse(refundList, 'Refunds.'), ...errorResponses },
  }),
};

export function refundRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(routes.create, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json(await createInvoiceRefund(ctx, tenant_id, invoice_id, c.req.valid('json')), 201);
  });
  router.openapi(routes.list, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json({ data: await listInvoiceRefunds(ctx, tenant_id, invoice_id) }, 200);
  });
  router.openapi(routes.createForRequest, async (c) => {
    const { tenant_id, payment_request_id } = c.req.valid('param');
    return c.json(await createPaymentRequestRefund(ctx, tenant_id, payment_request_id, c.req.valid('json')), 201);
  });
  router.openapi(routes.listForRequest, async (c) => {
    const { tenant_id, payment_request_id } = c.req.valid('param');
    return c.json({ data: await listPaymentRequestRefunds(ctx, tenant_id, payment_request_id) }, 200);
  });
  return router;
}
