import type { EntitlementRow, EntitlementValue } from '../../store/subscriptions-schema';

export interface EntitlementSource {
  type: string;
  id: string;
  status: 'active' | 'grace';
  active_until: string | null;
}

export interface EntitlementAnswer {
  key: string;
  granted: boolean;
  /** `true`, or the largest integer limit among the granting sources; `false` when not granted. */
  value: EntitlementValue;
  reason: string;
  /** When access ends if nothing changes: null = no set end (or not granted). */
  until: string | null;
  sources: EntitlementSource[];
  /** The newest Stripe event this answer reflects (null when none has been seen). */
  as_of: string | null;
}

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** A row's status as of `now`: a grant whose `expires_at` has passed is over, even before the expiry job records it. */
export function currentStatus(row: EntitlementRow, now: Date): EntitlementRow['status'] {
  if (row.status !== 'revoked' && row.expires_at && new Date(row.expires_at) <= now) return 'revoked';
  return row.status;
}

function largest(values: EntitlementValue[]): EntitlementValue {
  const limits = values.filter((value): value is number => typeof value === 'number');
  return limits.length > 0 ? Math.max(...limits) : true;
}

/**
 * The answer for one key from all its rows (one per source): granted when any source grants now;
 * `until` is the latest end among them (none if one has no set end). Not granted, the reason is the
 * most recent source's reason, so "why not" reads like "subscription psub_… is canceled".
 */
export function evaluateEntitlement(key: string, rows: readonly EntitlementRow[], now: Date): EntitlementAnswer {
  const asOf = rows.reduce<Date | null>((newest, row) => {
    const at = row.as_of ? new Date(row.as_of) : null;
    return at && (!newest || at > newest) ? at : newest;
  }, null);
  const live = rows.filter((row) => currentStatus(row, now) !== 'revoked');
  if (live.length === 0) {
    const latest = [...rows].sort((a, b) => new Date(b.updated_at).getTime() - new Date(a.updated_at).getTime())[0];
    const expired = latest && latest.status !== 'revoked';
    return {
      key,
      granted: false,
      value: false,
      reason: latest
        ? expired
          ? `${latest.reason}; that access ended at ${iso(latest.expires_at)}`
          : latest.reason
        : `no plan or package of this customer gives ${key}`,
      until: null,
      sources: [],
      as_of: iso(asOf),
    };
  }
  const sources = live.map((row) => ({
    type: row.source_type,
    id: row.source_id,
    status: row.status as 'active' | 'grace',
    active_until: iso(row.expires_at ?? row.period_end),
  }));
  const openEnded = live.some((row) => row.expires_at === null);
  const until = openEnded ? null : iso(new Date(Math.max(...live.map((row) => new Date(row.expires_at!).getTime()))));
  return {
    key,
    granted: true,
    value: largest(live.map((row) => row.value)),
    reason: live.map((row) => row.reason).join('; '),
    until,
    sources,
    as_of: iso(asOf),
  };
}
