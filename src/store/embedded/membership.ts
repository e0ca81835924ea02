import pg from 'pg';
import { ensureCluster, stopCluster, type RunningCluster } from './cluster';

// Advisory lock keys (class, object). Every Paybridge process using the embedded cluster holds the
// members lock in shared mode for its whole life; the last one to leave can take it exclusively, and
// only then stops the cluster. A server (role all or web) also holds the server lock exclusively.
const LOCK_CLASS = 0x50425247; // "PBRG"
const MEMBERS = 1;
const SERVER = 2;

/** The members lock's two keys, for `pg_advisory_lock(classId, objectId)` in tests. */
export const MEMBERS_LOCK = [LOCK_CLASS, MEMBERS] as const;

export const DATABASE = 'paybridge';

export interface Membership extends RunningCluster {
  /** Refuses a second server on the same data directory; throws a message saying what to do. */
  claimServer(): Promise<void>;
  /** Leaves the cluster and stops it when no other Paybridge process is using it. */
  leave(): Promise<{ stopped: boolean }>;
}

/**
 * Joins the embedded cluster of `dataDir`, starting it when none runs. A cluster that is being
 * stopped by the last member leaving (which holds the members lock exclusively) ends this attempt's
 * connection; the loop then starts the cluster again, so a process arriving during a shutdown still
 * gets a database.
 */
export async function joinCluster(dataDir: string, role: string): Promise<Membership> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      const joined = await connectMember(dataDir, role);
      return membership(dataDir, role, joined.cluster, joined.client);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`could not connect to the embedded PostgreSQL in ${dataDir}: ${(lastError as Error).message}`, { cause: lastError });
}

async function connectMember(dataDir: string, role: string, port?: number): Promise<{ cluster: RunningCluster; client: pg.Client }> {
  const cluster = await ensureCluster(dataDir, { port });
  const client = memberClient(cluster, role);
  // From the start, not once joined: pg emits 'error' on a connection lost under a query as well as
  // failing the query, and an 'error' event with no listener ends the process. A stopped cluster
  // ends this connection; 'end' (see watch below) handles that.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select pg_advisory_lock_shared($1, $2)', [LOCK_CLASS, MEMBERS]);
    await ensureDatabase(client);
    return { cluster, client };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

function memberClient(cluster: RunningCluster, role: string): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port: cluster.port,
    user: 'postgres',
    password: cluster.password,
    database: 'postgres',
    application_name: `paybridge ${role} (pid ${process.pid})`,
    connectionTimeoutMillis: 5_000,
  });
}

async function ensureDatabase(client: pg.Client): Promise<void> {
  const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
  if (found.rowCount) return;
  try {
    await client.query(`create database ${DATABASE}`);
  } catch (error) {
    // Another process created it between the check and here.
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  }
}

function membership(dataDir: string, role: string, cluster: RunningCluster, first: pg.Client): Membership {
  let client = first;
  let left = false;
  let server = false;
  // PostgreSQL stopped under a member that is still running (its postmaster killed, or stopped by a
  // process that wrongly thought itself last): the member starts it again on the same port, where
  // this process's pools look, so they reconnect by themselves. One attempt at a time, a second apart,
  // for as long as the process stays: overlapping attempts would each keep a member connection, and
  // a leaked one holds the members lock that lets the last process out stop the cluster.
  const rejoin = async (): Promise<void> => {
    while (!left) {
      await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      if (left) return;
      let joined: { cluster: RunningCluster; client: pg.Client } | undefined;
      try {
        joined = await connectMember(dataDir, role, cluster.port);
        if (server && !left) await joined.client.query('select pg_try_advisory_lock($1, $2)', [LOCK_CLASS, SERVER]);
      } catch {
        await joined?.client.end().catch(() => undefined);
        continue; // still down, or down again: the next attempt in a second
      }
      if (left) {
        await joined.client.end().catch(() => undefined);
        return;
      }
      if (joined.cluster.port !== cluster.port) {
        // Another process started it first, elsewhere: this process's pools still look on the old port.
        process.emitWarning(
          `The embedded PostgreSQL came back on port ${joined.cluster.port}, but this process connects to port ${cluster.port}; restart this Paybridge process.`,
        );
      }
      client = joined.client;
      watch(client);
      return;
    }
  };
  const watch = (current: pg.Client) => current.once('end', () => void rejoin());
  watch(client);
  return {
    ...cluster,
    async claimServer() {
      const claimed = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [LOCK_CLASS, SERVER]);
      if (claimed.rows[0]?.ok) {
        server = true;
        return;
      }
      const holder = await client.query<{ application_name: string }>(
        `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
          where l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.granted limit 1`,
        [LOCK_CLASS, SERVER],
      );
      const who = holder.rows[0]?.application_name ?? 'another Paybridge server';
      throw new Error(
        `Another Paybridge server (${who}) is already running on the data directory ${dataDir}. ` +
          'Stop it first, or give this one its own PAYBRIDGE_DATA_DIR and PAYBRIDGE_PORT. To share its data, run CLI commands ' +
          '(they use the running database) or start extra processes with PAYBRIDGE_ROLE=worker.',
      );
    },
    async leave() {
      if (left) return { stopped: false };
      left = true;
      let last = false;
      try {
        // Succeeds only when no other process holds the members lock in shared mode; held, it also
        // makes a process joining now wait, then retry against the restarted cluster.
        const result = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [LOCK_CLASS, MEMBERS]);
        last = result.rows[0]?.ok === true;
      } catch {
        // The cluster is already gone (stopped by someone else, or killed).
      }
      if (last) await stopCluster(dataDir);
      await client.end().catch(() => undefined);
      return { stopped: last };
    },
  };
}
