import { compileErrors, validate } from '@readme/openapi-parser';
import { beforeAll, expect, it } from 'vitest';
import { deriveOperationId } from '../../src/http/operation-ids';
import { describeEachStore } from '../support/test-context';

/**
 * The OpenAPI document at /api/openapi.json (issue 20, API docs): it validates, and every operation
 * has a unique readable operationId, a module tag, a summary, and the error answers its route can give
 * in the common envelope. Operations are read from the document, so a route added later is covered.
 */

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string }[];
}

const MODULE_TAGS = ['Tenants', 'Connections', 'Events', 'Invoices', 'Customers', 'Plans', 'Credits', 'Outbound webhooks', 'Operations'];

describeEachStore('the OpenAPI document', (h) => {
  let doc: Document;
  let operations: { method: string; path: string; operation: Operation }[] = [];

  beforeAll(async () => {
    const response = await h().app.request('/api/openapi.json');
    expect(response.status).toBe(200);
    doc = (await response.json()) as Document;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
    );
  });

  it('validates against the OpenAPI 3.0 schema', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(operations.length).toBeGreaterThan(70);
  });

  it('gives every operation a unique operationId, a tag the document lists, and a summary', () => {
    const listed = new Set(doc.tags.map((tag) => tag.name));
    const ids = new Map<string, string>();
    for (const { method, path, operation } of operations) {
      const label = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, label).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.get(operation.operationId!), `${label} reuses an operationId`).toBeUndefined();
      ids.set(operation.operationId!, label);
      expect(operation.tags, label).toHaveLength(1);
      expect(listed.has(operation.tags![0]!), `${label}: tag ${operation.tags![0]} is listed`).toBe(true);
      expect(operation.summary?.trim().length ?? 0, `${label} has a summary`).toBeGreaterThan(3);
    }
    for (const tag of MODULE_TAGS) expect([...new Set(operations.map((o) => o.operation.tags![0]))]).toContain(tag);
  });

  it('names operations readably: list, get, create and the action verbs', () => {
    const id = (method: string, path: string) => doc.paths[path]?.[method]?.operationId;
    const tenant = '/api/v1/tenants/{tenant_id}';
    expect(id('get', `${tenant}/invoices`)).toBe('listInvoices');
    expect(id('post', `${tenant}/invoices`)).toBe('createInvoice');
    expect(id('get', `${tenant}/invoices/{invoice_id}`)).toBe('getInvoice');
    expect(id('post', `${tenant}/invoices/{invoice_id}/finalize`)).toBe('finalizeInvoice');
    expect(id('post', `${tenant}/invoices/{invoice_id}/refunds`)).toBe('createInvoiceRefund');
    expect(id('patch', `${tenant}/connections/{connection_id}`)).toBe('updateConnection');
    expect(id('post', `${tenant}/events/replay`)).toBe('replayEvents');
    expect(id('post', `${tenant}/webhook-endpoints/{endpoint_id}/rotate-secret`)).toBe('rotateWebhookEndpointSecret');
    expect(id('get', '/healthz')).toBe('getHealth');
  });

  it('derives names for routes added later without an operationId', () => {
    expect(deriveOperationId('get', '/api/v1/tenants/{tenant_id}/widgets')).toBe('listWidgets');
    expect(deriveOperationId('post', '/api/v1/tenants/{tenant_id}/widgets')).toBe('createWidget');
    expect(deriveOperationId('delete', '/api/v1/tenants/{tenant_id}/widgets/{widget_id}')).toBe('deleteWidget');
    expect(deriveOperationId('post', '/api/v1/tenants/{tenant_id}/widgets/{widget_id}/archive')).toBe('archiveWidget');
    expect(deriveOperationId('get', '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/diagnosis')).toBe('getInvoiceDiagnosis');
    expect(deriveOperationId('post', '/api/v1/tenants/{tenant_id}/payment-requests/{id}/cancel')).toBe('cancelPaymentRequest');
  });

  it('documents each error an operation can give, in the common envelope', () => {
    for (const { method, path, operation } of operations) {
      const label = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses);
      const expected: string[] = [];
      const authenticated = operation.security === undefined || operation.security.length > 0;
      if (authenticated) expected.push('400', '401', '429', '500', '503');
      if (operation.requestBody) expected.push('413', '415', '422');
      if (operation.parameters?.some((parameter) => parameter.in === 'path')) expected.push('404', '422');
      if (operation.parameters?.some((parameter) => parameter.in === 'query')) expected.push('422');
      expect(statuses, label).toEqual(expect.arrayContaining(expected));
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        const schema = operation.responses[status]!.content?.['application/json']?.schema;
        // /readyz answers its own probe shape with 503; every other error is the envelope.
        if (path === '/readyz') continue;
        expect(schema?.$ref, `${label} ${status}`).toBe('#/components/schemas/Error');
      }
    }
  });

  it('documents the probes without a token', () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const operation = doc.paths[path]?.get;
      expect(operation?.tags, path).toEqual(['Operations']);
      expect(operation?.security, path).toEqual([]);
    }
  });
});
