import { z } from '@hono/zod-openapi';

export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'publishable_key_as_secret' }),
      message: z.string(),
      field: z.string().optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'The request is malformed.', content: { 'application/json': { schema: errorEnvelope } } },
  401: { description: 'No valid bearer token.', content: { 'application/json': { schema: errorEnvelope } } },
  404: { description: 'Not found (or not visible to this token).', content: { 'application/json': { schema: errorEnvelope } } },
  422: { description: 'A field is invalid; `field` names it.', content: { 'application/json': { schema: errorEnvelope } } },
} as const;

export function listOf<T extends z.ZodTypeAny>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}

export const tenantIdParam = z.object({ tenant_id: z.string().openapi({ param: { name: 'tenant_id', in: 'path' }, example: 'ten_…' }) });

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1, 'limit must be between 1 and 100').max(100, 'limit must be between 1 and 100').default(25),
  cursor: z.string().optional(),
});

export function jsonBody<T extends z.ZodTypeAny>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}
