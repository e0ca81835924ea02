import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context';

/**
 * What one process tells the others (and itself) after a commit. Locally they are `ctx.bus` events;
 * across processes they travel as PostgreSQL notifications (src/notifications/relay.ts).
 */
export type Signal =
  | { kind: 'events' }
  | { kind: 'payable'; tenantId: string; payableType: string; payableId: string }
  | { kind: 'connection'; connectionId: string }
  | { kind: 'credentials' };

/**
 * The `ctx.bus` event each signal kind raises: 'events-stored' wakes event workers; the others,
 * caches and long-polls. (Job runners need no signal: graphile-worker's add_job notifies them.)
 */
export const BUS_EVENT = {
  events: 'events-stored',
  payable: 'payable-changed',
  connection: 'connection-changed',
  /** An API key was revoked or the admin token changed: principal caches drop everything. */
  credentials: 'credentials-changed',
} as const;

/** Raised when a lost notification connection is back: what was sent meanwhile is gone, so caches drop everything. */
export const RESYNC_EVENT = 'signals-resync';

/** Tags this process's notifications, so its own listener skips what it already raised locally. */
export const PROCESS_TAG = randomBytes(6).toString('hex');

export function signalKey(signal: Signal): string {
  switch (signal.kind) {
    case 'events':
    case 'credentials':
      return signal.kind;
    case 'payable':
      return `payable:${signal.tenantId}:${signal.payableType}:${signal.payableId}`;
    case 'connection':
      return `connection:${signal.connectionId}`;
  }
}

export function encodeSignal(signal: Signal): string {
  return JSON.stringify({ ...signal, origin: PROCESS_TAG });
}

/** Undefined for a payload that is not a signal (a newer version's kind, or garbage on the channel). */
export function decodeSignal(payload: string): { signal: Signal; origin: string } | undefined {
  try {
    const parsed = JSON.parse(payload) as Record<string, unknown>;
    const origin = typeof parsed.origin === 'string' ? parsed.origin : '';
    if (parsed.kind === 'events') return { signal: { kind: 'events' }, origin };
    if (parsed.kind === 'credentials') return { signal: { kind: 'credentials' }, origin };
    if (parsed.kind === 'connection' && typeof parsed.connectionId === 'string')
      return { signal: { kind: 'connection', connectionId: parsed.connectionId }, origin };
    if (
      parsed.kind === 'payable' &&
      typeof parsed.tenantId === 'string' &&
      typeof parsed.payableType === 'string' &&
      typeof parsed.payableId === 'string'
    )
      return {
        signal: { kind: 'payable', tenantId: parsed.tenantId, payableType: parsed.payableType, payableId: parsed.payableId },
        origin,
      };
    return undefined;
  } catch {
    return undefined;
  }
}

/** Raises signals in this process. */
export function raiseLocally(ctx: Pick<AppContext, 'bus'>, signals: Iterable<Signal>): void {
  for (const signal of signals) ctx.bus.emit(BUS_EVENT[signal.kind], signal);
}
