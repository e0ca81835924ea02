import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { ensurePgliteDataDir } from './pglite-data-dir';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export type StoreKind = 'postgres' | 'pglite';

export interface Store {
  readonly db: Db;
  /**
   * The webhook receiver's own pool (PostgreSQL): storing a delivery never waits for a connection
   * behind API reads or workers, however busy they keep `db`. On PGlite it is `db` itself.
   */
  readonly ingestDb: Db;
  readonly kind: StoreKind;
  /** True when the store answers a trivial query; `/readyz` and the ingest path use it. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Bigint columns (epoch seconds, counters) fit in a JS number; parse them as numbers, not strings.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * One query layer over both stores: real PostgreSQL when a URL is given, else embedded PGlite in
 * `dataDir/pglite` (or in memory for tests). PGlite is one connection, so the dialect serialises
 * queries; code must not hold a transaction open while waiting on another query. PGlite is loaded
 * only when chosen: its module alone adds about 30 MB to a process that runs on PostgreSQL.
 */
export async function openStore(options: {
  databaseUrl?: string;
  dataDir?: string;
  memory?: boolean;
  poolSize?: number;
  ingestPoolSize?: number;
}): Promise<Store> {
  if (options.databaseUrl) {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: newPool(options.databaseUrl, options.poolSize ?? 10) }) });
    const ingestDb = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: newPool(options.databaseUrl, options.ingestPoolSize ?? 4) }),
    });
    return makeStore(db, 'postgres', ingestDb);
  }
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  let client: PGlite;
  if (options.memory) {
    client = new PGlite();
  } else {
    const dir = join(options.dataDir ?? './data', 'pglite');
    mkdirSync(dir, { recursive: true });
    await ensurePgliteDataDir(dir);
    client = new PGlite(dir);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return makeStore(db, 'pglite');
}

function newPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A client losing its server (idle in the pool, or checked out between queries) emits 'error';
  // unhandled, that would kill the process. The query in flight, or the next one, reports the
  // outage instead, and the webhook route answers 503.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

function makeStore(db: Db, kind: StoreKind, ingestDb: Db = db): Store {
  return {
    db,
    ingestDb,
    kind,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (ingestDb !== db) await ingestDb.destroy();
      await db.destroy();
    },
  };
}
