import { createServer, connect, type Server, type Socket } from 'node:net';
import { insertTestConnection } from '../support/test-connections';
import type { TestHarness } from '../support/test-context';
import type { Delivery } from '../support/load';
import { stripeEvent } from '../support/webhook-delivery';

/** Child processes get a Stripe API base on a closed loopback port: the backfill they run at start must not leave the machine. */
export const OFFLINE_STRIPE = { PAYBRIDGE_STRIPE_API_BASE: 'http://127.0.0.1:9' };

export function customerDeliveries(count: number, prefix: string): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const event = stripeEvent(
      'customer.created',
      { id: `cus_${prefix}${i}`, object: 'customer', email: `${i}@example.com`, metadata: {} },
      { id: `evt_${prefix}${i}` },
    );
    return { eventId: event.id, body: JSON.stringify(event) };
  });
}

export async function chaosConnection(h: TestHarness) {
  return insertTestConnection(h, { features: ['customers'] });
}

/** Polls until `check` holds or the time is up; returns whether it held. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}

/** What the store holds for these events: per event, rows stored and successful processing attempts. */
export async function effects(h: TestHarness, connectionId: string) {
  const db = h.ctx.store.db;
  const events = await db.selectFrom('events').select(['stripe_event_id', 'status']).where('connection_id', '=', connectionId).execute();
  const processedAttempts = await db
    .selectFrom('event_attempts as a')
    .innerJoin('events as e', 'e.id', 'a.event_id')
    .select(['e.stripe_event_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('e.connection_id', '=', connectionId)
    .where('a.outcome', '=', 'processed')
    .groupBy('e.stripe_event_id')
    .execute();
  const objects = await db.selectFrom('stripe_objects').select('stripe_id').where('connection_id', '=', connectionId).execute();
  return {
    stored: new Map(events.map((row) => [row.stripe_event_id, row.status])),
    processedCounts: new Map(processedAttempts.map((row) => [row.stripe_event_id, Number(row.n)])),
    objects: new Set(objects.map((row) => row.stripe_id)),
  };
}

/** A TCP proxy in front of PostgreSQL that a test can cut (every socket dropped, new ones refused) and restore. */
export class CuttableProxy {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
