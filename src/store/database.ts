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
  readonly kind: StoreKind;
  /** The PostgreSQL URL, for what needs a connection of its own (the LISTEN of src/domain/signal-relay.ts); none on PGlite. */
  readonly url?: string;
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
export async function openStore(options: { databaseUrl?: string; dataDir?: string; memory?: boolean; poolSize?: number }): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // A client losing its server (idle in the pool, or checked out between queries) emits 'error';
    // unhandled, that would kill the process. The query in flight, or the next one, reports the
    // outage instead, and the webhook route answers 503.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return makeStore(db, 'postgres', options.databaseUrl);
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

function makeStore(db: Db, kind: StoreKind, url?: string): Store {
  return {
    db,
    kind,
    url,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
