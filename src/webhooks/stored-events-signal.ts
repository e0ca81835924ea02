import type { AppContext } from '../context';
import { encodeSignal } from '../domain/signals';
import { sendNotifications } from '../store/notifications';

/**
 * Tells worker processes that events were stored, when this process runs no worker of its own
 * (PAYBRIDGE_ROLE=web). Without it a separate worker would find them only at its next idle poll.
 * Deliveries arrive by the thousand per second, so signals coalesce: at most one notification is in
 * flight, and whatever is stored meanwhile rides on the next. Best effort: the poll still finds
 * everything if a notification is lost, so a failure is logged and never fails a delivery.
 */
export function storedEventsSignal(ctx: AppContext): () => void {
  if (ctx.config.role !== 'web') return () => undefined;
  const payload = encodeSignal({ kind: 'events' });
  let sending = false;
  let again = false;
  const send = async (): Promise<void> => {
    sending = true;
    try {
      do {
        again = false;
        await sendNotifications(ctx.store.ingestDb, [payload]);
      } while (again);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'could not notify workers of stored events; they will find them at their next poll');
    } finally {
      sending = false;
    }
  };
  return () => {
    if (sending) again = true;
    else void send();
  };
}
