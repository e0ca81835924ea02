import type { AppContext } from '../context';
import { encodeSignal } from '../domain/signals';
import { sendNotifications } from '../store/notifications';

/**
 * The least time between two notifications. Back to back, one in flight, they ran at about the
 * ingest's commit rate, each a statement and a commit of its own on the ingest pool: about 8 µs of
 * PostgreSQL's CPU per acknowledged event in the bench (issue 19). A worker hears of new events at
 * most this much later under load, and at once when the previous signal is older.
 */
const MIN_INTERVAL_MS = 10;

/**
 * Tells worker processes that events were stored, when this process runs no worker of its own
 * (PAYBRIDGE_ROLE=web). Without it a separate worker would find them only at its next idle poll.
 * Deliveries arrive by the thousand per second, so signals coalesce: at most one notification is in
 * flight, at most one per MIN_INTERVAL_MS, and whatever is stored meanwhile rides on the next (the
 * last store always gets one after it). Best effort: the poll still finds everything if a
 * notification is lost, so a failure is logged and never fails a delivery.
 */
export function storedEventsSignal(ctx: AppContext): () => void {
  if (ctx.config.role !== 'web') return () => undefined;
  const payload = encodeSignal({ kind: 'events' });
  let sending = false;
  let again = false;
  let lastSentAt = 0;
  const send = async (): Promise<void> => {
    sending = true;
    try {
      do {
        again = false;
        const wait = lastSentAt + MIN_INTERVAL_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastSentAt = Date.now();
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
