import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { DATABASE, joinCluster, type Membership } from './embedded/membership';
import type { Database } from './schema';

export type Db = Kysely<Database>;

/** One engine since the embedded store became a real PostgreSQL; kept as a type for the harness. */
export type StoreKind = 'postgres';

export interface Store {
  readonly db: Db;
  /**
   * The webhook receiver's own pool: storing a delivery never waits for a connection behind API
   * reads or workers, however busy they keep `db` (issue 18 item 2).
   */
  readonly ingestDb: Db;
  readonly kind: StoreKind;
  /** Set when the store is the embedded PostgreSQL of a data directory (no PAYBRIDGE_DATABASE_URL). */
  readonly embedded?: { readonly dataDir: string; claimServer(): Promise<void> };
  /** How to open a connection of one's own, outside the pool (the LISTEN of src/domain/signal-relay.ts). */
  readonly connection: pg.ClientConfig;
  /** True when the store answers a trivial query; `/readyz` and the ingest path use it. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Bigint columns (epoch seconds, counters) fit in a JS number; parse them as numbers, not strings.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * PostgreSQL at `databaseUrl`, or else the embedded PostgreSQL that Paybridge runs in
 * `dataDir/postgres` (started here when no process on that data directory runs it yet; stopped by
 * `close()` when this is the last process using it).
 */
export async function openStore(options: {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  ingestPoolSize?: number;
  role?: string;
}): Promise<Store> {
  if (options.databaseUrl) {
    const target = { connectionString: options.databaseUrl };
    return makeStore(createPool(target, options.poolSize), createPool(target, options.ingestPoolSize ?? 4), target);
  }
  const dataDir = options.dataDir ?? './data';
  const member: Membership = await joinCluster(dataDir, options.role ?? 'command');
  const target = { host: '127.0.0.1', port: member.port, user: 'postgres', password: member.password, database: DATABASE };
  const pool = createPool(target, options.poolSize);
  const store = makeStore(pool, createPool(target, options.ingestPoolSize ?? 4), target, {
    dataDir,
    claimServer: () => member.claimServer(),
  });
  return {
    ...store,
    async close() {
      await store.close();
      await member.leave();
    },
  };
}

function createPool(target: pg.PoolConfig, poolSize: number | undefined): pg.Pool {
  const pool = new pg.Pool({ ...target, max: poolSize ?? 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A client losing its server (idle in the pool, or checked out between queries) emits 'error';
  // unhandled, that would kill the process. The query in flight, or the next one, reports the
  // outage instead, and the webhook route answers 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

function makeStore(pool: pg.Pool, ingestPool: pg.Pool, connection: pg.ClientConfig, embedded?: Store['embedded']): Store {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const ingestDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: ingestPool }) });
  return {
    db,
    ingestDb,
    kind: 'postgres',
    connection,
    embedded,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await ingestDb.destroy();
      await db.destroy();
    },
  };
}
