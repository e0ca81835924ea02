import type { AppContext } from '../context';
import { announce } from '../domain/unit-of-work';
import { requeueEvents, type EventFilter } from '../store/events';

/**
 * Puts stored events back in the queue and wakes the workers of every process now, instead of at
 * their next poll (the CLI runs in a process of its own, so only a notification reaches them).
 */
export async function replayEvents(ctx: AppContext, filter: EventFilter & { ids?: string[] }): Promise<number> {
  const count = await requeueEvents(ctx.store.db, filter, ctx.now());
  if (count > 0) await announce(ctx, [{ kind: 'events' }]);
  return count;
}
