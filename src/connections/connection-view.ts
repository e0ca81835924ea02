import { z } from '@hono/zod-openapi';
import type { ConnectionRow, SigningSecretRow } from '../store/schema';
import { eventsForFeatures, type Feature } from '../stripe/features';

export const connectionView = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    mode: z.enum(['test', 'live']),
    environment: z.string().nullable(),
    account_id: z.string().nullable(),
    secret_key_hint: z.string(),
    publishable_key: z.string().nullable(),
    is_active: z.boolean(),
    status: z.enum(['active', 'needs_attention', 'disabled', 'disconnected']),
    status_reasons: z.array(z.string()),
    account_status: z.record(z.string(), z.unknown()).nullable().openapi({
      description: 'From account.updated: charges_enabled, payouts_enabled, requirements_currently_due, requirements_deadline',
    }),
    webhook_setup: z.enum(['auto', 'manual']),
    webhook_url: z.string(),
    webhook_status: z.enum(['no_signing_secret', 'waiting_for_first_event', 'receiving']),
    webhook_instructions: z
      .string()
      .nullable()
      .openapi({ description: 'Manual setup: what to paste into Stripe, step by step; null when Paybridge manages the endpoint.' }),
    webhook_endpoint: z
      .object({
        id: z.string(),
        status: z.string(),
        url: z.string(),
        enabled_events: z.array(z.string()),
        api_version: z.string().nullable(),
      })
      .nullable(),
    signing_secrets: z.array(z.object({ hint: z.string(), created_at: z.string(), expires_at: z.string().nullable() })),
    enabled_events: z.array(z.string()),
    permissions: z.object({
      ok: z.boolean(),
      checked: z.boolean(),
      missing: z.array(z.string()),
      required_writes: z.array(z.string()),
      checked_at: z.string().nullable(),
    }),
    features: z.array(z.string()),
    last_event_at: z.string().nullable(),
    created_at: z.string(),
    disconnected_at: z.string().nullable(),
  })
  .openapi('Connection');

export type ConnectionView = z.infer<typeof connectionView>;

export function webhookUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl}/webhooks/stripe/${connectionId}`;
}

/** Manual setup in words an admin can follow in Stripe's dashboard. */
export function manualInstructions(url: string, events: readonly string[]): string {
  return `In Stripe Dashboard → Developers → Webhooks → Add endpoint: set Endpoint URL to ${url}, select these ${events.length} events: ${events.join(', ')}; save, then reveal the endpoint's Signing secret (whsec_…, not the we_… id) and paste it here as webhook_secret. Paybridge then shows "waiting for the first verified event" until Stripe's first delivery verifies.`;
}

/** The API shape of a connection: hints in place of every secret, never a sealed value. */
export function toConnectionView(row: ConnectionRow, secrets: SigningSecretRow[], publicUrl: string): ConnectionView {
  const features = row.features as Feature[];
  const url = webhookUrl(publicUrl, row.id);
  const events = eventsForFeatures(features);
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    mode: row.mode,
    environment: row.environment,
    account_id: row.account_id,
    secret_key_hint: row.secret_key_hint,
    publishable_key: row.publishable_key,
    is_active: row.is_active,
    status: row.status,
    status_reasons: row.status_reasons,
    account_status: row.account_status,
    webhook_setup: row.webhook_setup,
    webhook_url: url,
    webhook_status: secrets.length === 0 ? 'no_signing_secret' : row.first_verified_event_at ? 'receiving' : 'waiting_for_first_event',
    webhook_instructions: row.webhook_setup === 'manual' && !row.disconnected_at ? manualInstructions(url, events) : null,
    webhook_endpoint: row.webhook_endpoint,
    signing_secrets: secrets.map((secret) => ({
      hint: secret.hint,
      created_at: secret.created_at.toISOString(),
      expires_at: secret.expires_at ? secret.expires_at.toISOString() : null,
    })),
    enabled_events: events,
    permissions: row.permissions,
    features,
    last_event_at: row.last_event_at ? row.last_event_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
    disconnected_at: row.disconnected_at ? row.disconnected_at.toISOString() : null,
  };
}
