/** The fields Paybridge mirrors from a Stripe subscription object (any API version since 2025-03). */
export interface MirroredFields {
  readonly status: string;
  readonly stripeCustomerId: string | null;
  readonly priceIds: string[];
  readonly currentPeriodEnd: Date | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly cancelAt: Date | null;
  readonly trialEnd: Date | null;
  readonly endedAt: Date | null;
  readonly latestInvoiceId: string | null;
}

const seconds = (value: unknown): Date | null => (typeof value === 'number' && value > 0 ? new Date(value * 1000) : null);

function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}

/**
 * Since API 2025-03 the period sits on each item (`items.data[].current_period_end`), not on the
 * subscription; older payloads carry it at the top. The latest item end is the subscription's.
 */
export function mirroredFields(object: Record<string, unknown>): MirroredFields {
  const items = ((object.items as { data?: unknown[] } | undefined)?.data ?? []) as Record<string, unknown>[];
  const itemEnds = items.map((item) => Number(item.current_period_end)).filter((end) => Number.isFinite(end) && end > 0);
  const periodEnd = itemEnds.length > 0 ? Math.max(...itemEnds) : object.current_period_end;
  return {
    status: String(object.status),
    stripeCustomerId: idOf(object.customer),
    priceIds: items.map((item) => idOf(item.price)).filter((id): id is string => id !== null),
    currentPeriodEnd: seconds(periodEnd),
    cancelAtPeriodEnd: object.cancel_at_period_end === true,
    cancelAt: seconds(object.cancel_at),
    trialEnd: seconds(object.trial_end),
    endedAt: seconds(object.ended_at),
    latestInvoiceId: idOf(object.latest_invoice),
  };
}
