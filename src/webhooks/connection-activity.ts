import type { AppContext } from '../context';
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
    const at = ctx.now();
    ctx.store.db
      .updateTable('connections')
      .set((eb) => ({ last_event_at: at, first_verified_event_at: eb.fn.coalesce('first_verified_event_at', eb.val(at)) }))
      .where('id', '=', connectionId)
      .execute()
      .catch((error: unknown) => ctx.logger.warn({ err: error, connectionId }, 'could not record connection activity'));
  }
}
