import type { AppContext } from '../context';
import { listenForNotifications, type NotificationListener } from '../store/notifications';
import { BUS_EVENT, PROCESS_TAG, RESYNC_EVENT, decodeSignal, raiseLocally } from './signals';

const relays = new WeakMap<AppContext, NotificationListener>();

/**
 * Makes other processes' commits heard here: one LISTEN connection per process relays their signals
 * onto `ctx.bus`, where the event worker, the connection cache and (later) long-polls already listen.
 * After a reconnection, what was sent meanwhile is lost, so caches drop everything and event workers look
 * for work once (job runners have graphile-worker's own LISTEN). Idempotent per context.
 */
export function startSignalRelay(ctx: AppContext): void {
  if (relays.has(ctx)) return;
  let connectedBefore = false;
  const listener = listenForNotifications({
    connection: ctx.store.connection,
    onNotification(payload) {
      const decoded = decodeSignal(payload);
      // Our own signals were raised in-process at commit already.
      if (!decoded || decoded.origin === PROCESS_TAG) return;
      ctx.metrics.notificationsReceived.inc({ kind: decoded.signal.kind });
      raiseLocally(ctx, [decoded.signal]);
    },
    onConnected() {
      if (connectedBefore) {
        ctx.metrics.notificationReconnects.inc();
        ctx.bus.emit(RESYNC_EVENT);
        ctx.bus.emit(BUS_EVENT.events, { kind: 'events' });
        ctx.logger.info('notification connection re-established; caches dropped');
      }
      connectedBefore = true;
    },
    onDisconnected(error) {
      ctx.logger.warn({ err: error }, 'notification connection lost; reconnecting (caches fall back to their safety TTL)');
    },
  });
  relays.set(ctx, listener);
}

/** Whether this process hears other processes' changes right now (caches may then keep entries longer). */
export function signalRelayIsLive(ctx: AppContext): boolean {
  return relays.get(ctx)?.live ?? false;
}

export async function stopSignalRelay(ctx: AppContext): Promise<void> {
  const listener = relays.get(ctx);
  relays.delete(ctx);
  await listener?.close();
}
