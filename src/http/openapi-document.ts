import type { OpenAPIHono } from '@hono/zod-openapi';
import { tagList, tagOf } from './api-tags';
import type { HonoEnv } from './hono-env';
import { deriveOperationId } from './operation-ids';

type Document = ReturnType<OpenAPIHono<HonoEnv>['getOpenAPIDocument']>;
type DocumentConfig = Parameters<OpenAPIHono<HonoEnv>['getOpenAPIDocument']>[0];

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

const envelope = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
};

/** Answers every authenticated API operation can give, whatever its route says, in the common envelope. */
const EVERY_API_OPERATION: Record<string, object> = {
  400: { description: 'The request is malformed: a NUL character in the URL, or a body that is not valid JSON.', content: envelope },
  401: { description: 'No valid bearer token.', content: envelope },
  429: {
    description: 'Too many requests, or too many at once, for this API key. Wait for Retry-After seconds.',
    headers: retryAfter,
    content: envelope,
  },
  500: { description: 'Something failed on our side; the message carries a request id to quote.', content: envelope },
  503: {
    description: 'The database is busy or unreachable, so nothing was done. Retry after Retry-After seconds.',
    headers: retryAfter,
    content: envelope,
  },
};

/** Answers only an operation taking a JSON body can give. */
const BODY_OPERATION: Record<string, object> = {
  413: { description: 'The body is larger than 1 MB.', content: envelope },
  415: { description: 'The body was not sent with Content-Type: application/json.', content: envelope },
  422: { description: 'A field is invalid; `field` names it and the message says what it must be.', content: envelope },
};

/** Answers an operation with a path parameter or a query can give. */
const PARAMETER_OPERATION: Record<string, object> = {
  404: { description: 'Not found (or not visible to this token).', content: envelope },
  422: { description: 'A parameter is invalid; `field` names it and the message says what it must be.', content: envelope },
};

function addMissing(responses: Record<string, unknown>, extra: Record<string, object>): void {
  for (const [status, response] of Object.entries(extra)) responses[status] ??= response;
}

/** Statuses sorted as people read them (2xx, 4xx, 5xx), so the reference lists them in order. */
function sortedResponses(responses: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Applies the API's conventions to the generated document: a tag per module, a derived operationId
 * where a route names none, and every error answer the middleware can give (auth, limits, body,
 * store) in the common envelope — written once here rather than in each of the route files.
 */
export function withConventions(document: Document): Document {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      operation.operationId ??= deriveOperationId(method, path);
      operation.tags = operation.tags?.length ? operation.tags : [tagOf(path)];
      if (path.startsWith('/api/')) {
        addMissing(operation.responses, EVERY_API_OPERATION);
        if (operation.requestBody) addMissing(operation.responses, BODY_OPERATION);
        if (operation.parameters?.length) addMissing(operation.responses, PARAMETER_OPERATION);
      }
      operation.responses = sortedResponses(operation.responses);
    }
  }
  document.tags = tagList();
  return document;
}

/** Serves the document at `/api/openapi.json`, built on first request: every router is mounted by then. */
export function serveOpenApiDocument(app: OpenAPIHono<HonoEnv>, config: DocumentConfig): void {
  let document: Document | undefined;
  app.get('/api/openapi.json', (c) => c.json((document ??= withConventions(app.getOpenAPIDocument(config)))));
}
