import { z } from '@hono/zod-openapi';

const eventType = z
  .string()
  .max(100)
  .regex(/^(\*|[a-z_]+(\.[a-z_]+)+)$/, 'must be a domain event type such as invoice.paid or payment_request.succeeded, or * for all');

const url = z.string().trim().min(1, 'must be the https URL of your receiver').max(2000, 'must be at most 2,000 characters');

const eventTypes = z
  .array(eventType)
  .min(1, 'list at least one event type, or omit the field (or pass ["*"]) to receive every event')
  .max(100, 'at most 100 event types; pass ["*"] for all')
  .nullable()
  .optional();

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;
const description = z
  .string()
  .max(500)
  .refine((value) => !CONTROL.test(value), 'must not contain control characters');

export const createEndpointInput = z
  .object({ url, event_types: eventTypes, description: description.optional() })
  .strict()
  .openapi('CreateWebhookEndpoint');

export const updateEndpointInput = z
  .object({
    url: url.optional(),
    event_types: eventTypes,
    description: description.nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .strict()
  .openapi('UpdateWebhookEndpoint');

export type CreateEndpointInput = z.infer<typeof createEndpointInput>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointInput>;

export const endpointView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()).openapi({ description: '["*"] means every event type.' }),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.string().nullable(),
    disabled_at: z.string().nullable(),
    failing_since: z.string().nullable(),
    circuit_open_until: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookEndpoint');

export const createdEndpointView = endpointView
  .extend({ secret: z.string().openapi({ description: 'whsec_…: shown only in this answer; store it now.' }) })
  .openapi('CreatedWebhookEndpoint');

export const rotatedSecretView = z
  .object({
    id: z.string(),
    secret: z.string().openapi({ description: 'The new whsec_… secret, shown only in this answer.' }),
    previous_secret_expires_at: z.string().openapi({ description: 'Until then deliveries carry a signature by each secret.' }),
  })
  .openapi('RotatedWebhookSecret');

const attemptView = z.object({
  attempt: z.number(),
  started_at: z.string(),
  status_code: z.number().nullable(),
  response_ms: z.number(),
  response_body: z.string().nullable().openapi({ description: 'At most the first 1 KB of the answer.' }),
  error: z.string().nullable(),
});

export const deliveryView = z
  .object({
    id: z.string(),
    endpoint_id: z.string(),
    webhook_id: z.string().openapi({ description: 'The webhook-id header: one per domain event, the same on every attempt.' }),
    event_type: z.string(),
    object: z.object({ type: z.string(), id: z.string() }),
    sequence: z.number(),
    status: z.enum(['pending', 'delivering', 'succeeded', 'failed']),
    attempts: z.number(),
    last_response: z
      .object({
        status_code: z.number().nullable(),
        response_ms: z.number().nullable(),
        body: z.string().nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
    next_retry_at: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    attempt_log: z.array(attemptView),
  })
  .openapi('WebhookDelivery');

export type EndpointView = z.infer<typeof endpointView>;
export type DeliveryView = z.infer<typeof deliveryView>;
