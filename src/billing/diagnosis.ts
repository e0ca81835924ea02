import { z } from '@hono/zod-openapi';
import type { AppContext } from '../context';
import { featureEnabled, gatedAdvice } from '../domain/feature-gate';
import { invoicesModule } from '../modules/invoices/invoices-module';
import { findConnection } from '../store/connections';
import { countConnectionEvents, listEventsMentioning, listRejectionCounts } from '../store/diagnosis';
import { findJobByKey, type QueuedJob } from '../store/jobs';
import { listInvoicePayments } from '../store/invoices';
import { listTenantMail } from '../store/mail-messages';
import type { InvoiceRow } from '../store/invoices-schema';

export const diagnosisView = z
  .object({
    invoice_id: z.string(),
    status: z.enum(['draft', 'open', 'paid', 'void']),
    summary: z.string(),
    payment_link: z.object({
      exists: z.boolean(),
      id: z.string().nullable(),
      url: z.string().nullable(),
      active: z.boolean(),
      deactivation: z.string().nullable(),
    }),
    connection: z.object({
      id: z.string(),
      status: z.string(),
      is_active: z.boolean(),
      disconnected: z.boolean(),
      webhook_setup: z.string(),
      invoicing_enabled: z.boolean(),
      last_event_at: z.string().nullable(),
      first_verified_event_at: z.string().nullable(),
    }),
    events: z.array(
      z.object({
        id: z.string(),
        stripe_event_id: z.string(),
        type: z.string(),
        status: z.string(),
        status_reason: z.string().nullable(),
        last_error: z.string().nullable(),
        attempts: z.number(),
        connection_id: z.string(),
        received_at: z.string(),
      }),
    ),
    signature_failures: z.object({
      count: z.number(),
      last_at: z.string().nullable(),
      by_reason: z.array(z.object({ reason: z.string(), count: z.number(), last_at: z.string() })),
    }),
    processing_errors: z.array(z.object({ event_id: z.string(), type: z.string(), status: z.string(), error: z.string().nullable() })),
    payments: z.number(),
    mail: z.array(
      z.object({ id: z.string(), to: z.string(), status: z.string(), attempts: z.number(), last_error: z.string().nullable() }),
    ),
    next_steps: z.array(z.string()),
  })
  .openapi('InvoiceDiagnosis');

export type InvoiceDiagnosis = z.infer<typeof diagnosisView>;

/** Refusal reasons that mean the signature could not be verified (the rest are wrong mode, size…). */
const SIGNATURE_REASONS = [
  'missing_signature_header',
  'malformed_signature_header',
  'timestamp_outside_tolerance',
  'no_matching_signature',
  'no_signing_secret',
];

const CLOCK_SKEW_MARGIN_MS = 10 * 60_000;

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * "Why is this invoice not paid?" in one answer: does the link exist, which of the tenant's events
 * mention the invoice and what became of them, were deliveries to the connection refused for their
 * signature, and what to check next. Events are found by the invoice id in their payload (it is in
 * the metadata of the link, the session and the payment intent), so nothing extra is indexed at receipt.
 * Only events received since the invoice was finalized (less a margin for clock skew between
 * processes) can mention it, so the tenant's log index bounds the scan to that window.
 */
export async function diagnoseInvoice(ctx: AppContext, invoice: InvoiceRow): Promise<InvoiceDiagnosis> {
  const db = ctx.store.db;
  const connection = (await findConnection(db, invoice.connection_id))!;
  const since = new Date(new Date(invoice.finalized_at ?? invoice.created_at).getTime() - CLOCK_SKEW_MARGIN_MS);
  const events = await listEventsMentioning(db, { tenantId: invoice.tenant_id, since, text: invoice.id, limit: 100 });
  const rejections = await listRejectionCounts(db, connection.id, SIGNATURE_REASONS);
  const [payments, mail, deactivation, connectionEvents] = await Promise.all([
    listInvoicePayments(db, invoice.id),
    listTenantMail(db, { tenantId: invoice.tenant_id, invoiceId: invoice.id }, { limit: 10 }),
    findJobByKey(db, `payment_link.deactivate:${invoice.id}`),
    countConnectionEvents(db, connection.id),
  ]);

  const signatureCount = rejections.reduce((sum, row) => sum + Number(row.count), 0);
  const errors = events.filter((event) => event.status === 'failed' || event.status === 'dead');
  const waiting = events.filter((event) => event.status === 'received');
  const paused = events.filter((event) => event.status === 'paused');
  const ignored = events.filter((event) => event.status === 'ignored');
  // The processor's rule (src/domain/feature-gate.ts): without the module's feature, payments are recorded, not applied.
  const invoicingEnabled = featureEnabled(connection.features as string[], invoicesModule.feature);
  const paymentEvents = events.filter((event) =>
    ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'payment_intent.succeeded'].includes(event.type),
  );

  const steps: string[] = [];
  let summary: string;
  if (invoice.status === 'paid') summary = `Paid (${payments.map((p) => p.provider_payment_id).join(', ')}); nothing to fix.`;
  else if (invoice.status === 'void') summary = 'Void: it is not expected to be paid.';
  else if (invoice.status === 'draft') summary = 'Still a draft: no payment link exists until it is finalized.';
  else
    summary =
      paymentEvents.length > 0
        ? 'Open, although payment events for it were received; see the steps below.'
        : 'Open: no payment event for this invoice has been received.';

  if (invoice.status === 'draft')
    steps.push(`Finalize it: POST /api/v1/tenants/${invoice.tenant_id}/invoices/${invoice.id}/finalize creates the link and emails it.`);
  if (invoice.status === 'open') {
    if (connection.disconnected_at)
      steps.push('The connection is disconnected, so no events are accepted for it. Reconnect the Stripe account.');
    else if (!connection.is_active)
      steps.push('The connection is disabled: its events are stored as paused and processed when you enable it (PATCH is_active: true).');
    if (!invoicingEnabled) steps.push(gatedAdvice(invoicesModule.feature, invoicesModule.describes));
    if (signatureCount > 0) {
      steps.push(
        `${signatureCount} deliveries to this connection failed signature verification (${rejections.map((r) => r.reason).join(', ')}). Paste the endpoint's signing secret (whsec_…, not the we_… endpoint id) again as webhook_secret; Stripe retries refused deliveries for three days.`,
      );
    }
    if (connectionEvents === 0) {
      steps.push(
        `No event at all has reached this connection. Check that the webhook endpoint in Stripe points at ${ctx.config.publicUrl}/webhooks/stripe/${connection.id} and is enabled (POST …/connections/${connection.id}/check shows drift).`,
      );
    } else if (events.length === 0) {
      steps.push(
        "The connection receives events, but none mention this invoice. Check in Stripe that the customer paid through this invoice's link, that the endpoint subscribes to checkout.session.completed and payment_intent.succeeded, then run a backfill (POST …/connections/{id}/backfill) to fetch missed events.",
      );
    }
    if (waiting.length > 0)
      steps.push(
        `${waiting.length} event(s) for this invoice wait to be processed. Make sure a worker runs (PAYBRIDGE_ROLE=all or worker).`,
      );
    if (paused.length > 0)
      steps.push(`${paused.length} event(s) are paused because the connection was disabled; enabling it processes them.`);
    if (errors.length > 0)
      steps.push(
        `${errors.length} event(s) failed processing (see processing_errors); fix the cause, then replay them (POST …/events/{id}/replay).`,
      );
    if (ignored.length > 0)
      steps.push(
        `${ignored.length} event(s) were ignored: ${[...new Set(ignored.map((e) => e.status_reason ?? 'no reason'))].slice(0, 3).join(' | ')}`,
      );
    if (paymentEvents.length > 0 && errors.length === 0 && waiting.length === 0)
      steps.push(
        'Payment events arrived but none carried a paid status yet (e.g. a bank debit still settling); wait for checkout.session.async_payment_succeeded.',
      );
    if (steps.length === 0)
      steps.push("Nothing looks wrong on Paybridge's side: the customer has probably not paid yet. Check the mail below reached them.");
  }
  if (mail.some((m) => m.status === 'failed' || (m.status === 'pending' && m.last_error)))
    steps.push('The invoice email has not been delivered (see mail); check PAYBRIDGE_SMTP_URL and the SMTP server.');
  if (invoice.needs_refund_review) steps.push(`Needs refund review: ${invoice.review_reason ?? ''}`);

  return {
    invoice_id: invoice.id,
    status: invoice.status,
    summary,
    payment_link: {
      exists: invoice.payment_link_id !== null,
      id: invoice.payment_link_id,
      url: invoice.payment_link_url,
      active: invoice.payment_link_active,
      deactivation: deactivationState(deactivation, invoice),
    },
    connection: {
      id: connection.id,
      status: connection.status,
      is_active: connection.is_active,
      disconnected: connection.disconnected_at !== null,
      webhook_setup: connection.webhook_setup,
      invoicing_enabled: invoicingEnabled,
      last_event_at: iso(connection.last_event_at),
      first_verified_event_at: iso(connection.first_verified_event_at),
    },
    events: events.map((event) => ({ ...event, attempts: Number(event.attempts), received_at: iso(event.received_at)! })),
    signature_failures: {
      count: signatureCount,
      last_at: rejections[0] ? iso(rejections[0].last_at) : null,
      by_reason: rejections.map((row) => ({ reason: row.reason, count: Number(row.count), last_at: iso(row.last_at)! })),
    },
    processing_errors: errors.map((event) => ({ event_id: event.id, type: event.type, status: event.status, error: event.last_error })),
    payments: payments.length,
    mail: mail.map((m) => ({ id: m.id, to: m.to_address, status: m.status, attempts: m.attempts, last_error: m.last_error })),
    next_steps: steps,
  };
}

/**
 * What became of the link's deactivation job: graphile-worker deletes a job once it completes, so
 * no job left and a link recorded as inactive means it ran ('done'); a job still there is pending,
 * running, or dead (failed for good) with its last error.
 */
function deactivationState(job: QueuedJob | undefined, invoice: InvoiceRow): string | null {
  if (!job) return invoice.payment_link_id !== null && !invoice.payment_link_active ? 'done' : null;
  const state = job.attempts >= job.max_attempts ? 'dead' : job.locked ? 'running' : 'pending';
  return `${state}${job.last_error ? `: ${job.last_error}` : ''}`;
}
