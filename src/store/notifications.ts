import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './database';

/** The one PostgreSQL channel Paybridge processes talk on; payloads say what changed (src/domain/signals.ts). */
const NOTIFY_CHANNEL = 'paybridge';

/**
 * Sends notifications with one statement. Inside a transaction PostgreSQL delivers them at commit
 * and drops them on rollback, so a listener never hears of a change that did not happen.
 */
export async function sendNotifications(db: Db, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0) return;
  await sql`select pg_notify(${NOTIFY_CHANNEL}, payload) from unnest(${[...payloads]}::text[]) as payload`.execute(db);
}

export interface NotificationListener {
  /** True while the LISTEN connection is up; a cache may trust notifications only then. */
  readonly live: boolean;
  close(): Promise<void>;
}

interface ListenerOptions {
  connection: pg.ClientConfig;
  onNotification(payload: string): void;
  /** Called after every (re)connection: notifications sent while the connection was down are lost. */
  onConnected(): void;
  onDisconnected(error: unknown): void;
  /** Delay before the first reconnection attempt; doubles up to 5 s. */
  retryBaseMs?: number;
}

/**
 * One dedicated connection per process holding `LISTEN paybridge` (a pooled connection would lose
 * the LISTEN when returned). When the connection drops it reconnects with backoff until closed.
 */
export function listenForNotifications(options: ListenerOptions): NotificationListener {
  const base = options.retryBaseMs ?? 100;
  let client: pg.Client | undefined;
  let live = false;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const scheduleReconnect = (error: unknown) => {
    if (live) options.onDisconnected(error);
    live = false;
    client?.removeAllListeners();
    client?.on('error', () => undefined);
    client?.end().catch(() => undefined);
    client = undefined;
    if (closed) return;
    const delay = Math.min(5_000, base * 2 ** Math.min(failures, 10));
    failures += 1;
    timer = setTimeout(connect, delay);
    timer.unref();
  };

  const connect = () => {
    if (closed) return;
    const next = new pg.Client({ ...options.connection, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === NOTIFY_CHANNEL && message.payload) options.onNotification(message.payload);
    });
    // 'error' and 'end' both fire for one loss; only the current client's first one reconnects.
    const lost = (error: unknown) => {
      if (client === next) scheduleReconnect(error);
    };
    next.on('error', lost);
    next.on('end', () => lost(new Error('notification connection ended')));
    next
      .connect()
      .then(() => next.query(`listen ${NOTIFY_CHANNEL}`))
      .then(() => {
        if (closed || client !== next) return;
        live = true;
        failures = 0;
        options.onConnected();
      })
      .catch(lost);
  };

  connect();
  return {
    get live() {
      return live;
    },
    async close() {
      closed = true;
      live = false;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      current?.removeAllListeners();
      current?.on('error', () => undefined);
      await current?.end().catch(() => undefined);
    },
  };
}
