import type { AppContext } from '../context';
import { formatMinorUnits } from '../money';
import {
  eventActivity,
  listFailingEndpoints,
  revenueByCurrency,
  tenantTrouble,
  type ActivityBucket,
  type TenantTrouble,
} from '../store/overview';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every bucket of the window, oldest first, with zeros where no event arrived (a gap is news, not a missing bar). */
export function fillBuckets(rows: readonly ActivityBucket[], first: Date, count: number, stepMs: number): ActivityBucket[] {
  const byStart = new Map(rows.map((row) => [row.start.getTime(), row]));
  return Array.from({ length: count }, (_, index) => {
    const start = new Date(first.getTime() + index * stepMs);
    return byStart.get(start.getTime()) ?? { start, received: 0, processed: 0, failed: 0 };
  });
}

/** The last 24 hours by UTC hour (the current hour last) and the last 30 days by UTC day (today last). */
export async function eventActivityCharts(
  ctx: AppContext,
  tenantId: string,
): Promise<{ hourly: ActivityBucket[]; daily: ActivityBucket[] }> {
  const now = ctx.now().getTime();
  const hourStart = new Date(Math.floor(now / HOUR) * HOUR - 23 * HOUR);
  const dayStart = new Date(Math.floor(now / DAY) * DAY - 29 * DAY);
  const [hourly, daily] = await Promise.all([
    eventActivity(ctx.store.db, tenantId, 'hour', hourStart),
    eventActivity(ctx.store.db, tenantId, 'day', dayStart),
  ]);
  return { hourly: fillBuckets(hourly, hourStart, 24, HOUR), daily: fillBuckets(daily, dayStart, 30, DAY) };
}

export interface RevenueLine {
  currency: string;
  /** Minor units, as text so no amount passes through a float. */
  amount: string;
  display: string;
  payments: number;
}

export async function revenue(ctx: AppContext, tenantId: string): Promise<RevenueLine[]> {
  const rows = await revenueByCurrency(ctx.store.db, tenantId);
  return rows.map((row) => ({
    currency: row.currency,
    amount: row.amount.toString(),
    display: formatMinorUnits(row.amount, row.currency),
    payments: row.payments,
  }));
}

export async function failingEndpoints(ctx: AppContext, tenantId: string, limit = 20) {
  return listFailingEndpoints(ctx.store.db, tenantId, limit);
}

/** Tenants with connections needing attention, failed or dead events or rejected deliveries, worst first. */
export async function tenantsNeedingAttention(ctx: AppContext, limit = 100): Promise<TenantTrouble[]> {
  return tenantTrouble(ctx.store.db, limit);
}
