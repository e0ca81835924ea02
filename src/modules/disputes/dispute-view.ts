import { z } from '@hono/zod-openapi';
import { formatMinorUnits } from '../../money';
import type { DisputeRow } from '../../store/disputes-schema';

/** Stripe's dispute statuses: what the API's and the dashboard's status filters accept. */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
  'prevented',
] as const;

export const disputeView = z
  .object({
    id: z.string().openapi({ example: 'dp_…' }),
    connection_id: z.string(),
    status: z.string().openapi({ description: "Stripe's own status: needs_response, under_review, won, lost, warning_closed…" }),
    open: z.boolean(),
    outcome: z.enum(['won', 'lost', 'warning_closed']).nullable(),
    amount: z.number().openapi({ description: 'minor units' }),
    amount_display: z.string(),
    currency: z.string(),
    reason: z.string().nullable(),
    due_by: z.string().nullable().openapi({ description: 'evidence_details.due_by: evidence must be submitted before this' }),
    charge_id: z.string().nullable(),
    payment_intent_id: z.string().nullable(),
    payment_id: z.string().nullable(),
    invoice_id: z.string().nullable(),
    payment_request_id: z.string().nullable(),
    opened_at: z.string(),
    closed_at: z.string().nullable(),
  })
  .openapi('Dispute');

export type DisputeView = z.infer<typeof disputeView>;

const OUTCOMES = ['won', 'lost', 'warning_closed'] as const;
const outcomeOf = (status: string) => ((OUTCOMES as readonly string[]).includes(status) ? (status as DisputeView['outcome']) : null);
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toDisputeView(row: DisputeRow): DisputeView {
  return {
    id: row.id,
    connection_id: row.connection_id,
    status: row.status,
    open: row.is_open,
    outcome: outcomeOf(row.status),
    amount: Number(row.amount),
    amount_display: formatMinorUnits(BigInt(row.amount), row.currency),
    currency: row.currency,
    reason: row.reason,
    due_by: iso(row.due_by),
    charge_id: row.charge_id,
    payment_intent_id: row.payment_intent_id,
    payment_id: row.payment_id,
    invoice_id: row.payable_type === 'invoice' ? row.payable_id : null,
    payment_request_id: row.payable_type === 'payment_request' ? row.payable_id : null,
    opened_at: iso(row.opened_at)!,
    closed_at: iso(row.closed_at),
  };
}
