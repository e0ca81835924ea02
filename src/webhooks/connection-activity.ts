import type { AppContext } from '../context';
import { touchConnectionActivity } from '../store/connections';
import type { IncomingEvent } from '../store/events';

const MIN_INTERVAL_MS = 1_000;
const lastWrites = new WeakMap<AppContext, Map<string, number>>();

/**
 * Keeps `last_event_at` (and the first verified event) fresh without turning every delivery into an
 * update of one hot connection row: at most one write per connection per second per process.
 */
export function updateConnectionActivity(ctx: AppContext, events: IncomingEvent[]): void {
  let seen = lastWrites.get(ctx);
  if (!seen) {
    seen = new Map();
    lastWrites.set(ctx, seen);
  }
  const now = Date.now();
  const connections = new Set(events.map((event) => event.connection_id));
  for (const connectionId of connections) {
    if (now - (seen.get(connectionId) ?? 0) < MIN_INTERVAL_MS) continue;
    seen.set(connectionId, now);
    touchConnectionActivity(ctx.store.db, connectionId, ctx.now()).catch((error: unknown) =>
      ctx.logger.warn({ err: error, connectionId }, 'could not record connection activity'),
    );
  }
}
