import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCluster } from '../../src/store/embedded/cluster';
import { joinCluster, MEMBERS_LOCK, type Membership } from '../../src/store/embedded/membership';

/**
 * A Paybridge process's member connection to the embedded PostgreSQL can be cut at any moment, also
 * while it is joining (PostgreSQL killed again during its restart). The test holds the members lock
 * exclusively, so a join waits inside its query at a moment the test chooses, and cuts it there. The
 * rejoin must end with one member connection: attempts that overlapped (one a second, however long
 * each took) each joined, and a leaked one kept the cluster running after the last process left.
 * test/chaos/embedded-postmaster-kills.test.ts kills PostgreSQL itself, under load.
 */
let dataDir = '';
let admin: pg.Client;
/** Takes and releases the members lock, on a connection of its own so its waits block nothing else. */
let locker: pg.Client;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paybridge-member-loss-'));
  const cluster = await ensureCluster(dataDir);
  const connect = async () => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: cluster.port,
      user: 'postgres',
      password: cluster.password,
      database: 'postgres',
    });
    client.on('error', () => undefined); // the last member out stops the cluster under it
    await client.connect();
    return client;
  };
  [admin, locker] = await Promise.all([connect(), connect()]);
});

afterAll(async () => {
  await Promise.all([admin, locker].map((client) => client.end().catch(() => undefined)));
  rmSync(dataDir, { recursive: true, force: true });
});

/** Backends of `role`'s member connections (see memberClient's application_name). */
async function memberBackends(role: string, waiting?: 'waiting on the lock'): Promise<number[]> {
  const rows = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where application_name like $1 ${waiting ? "and wait_event_type = 'Lock'" : ''}`,
    [`paybridge ${role} (pid %`],
  );
  return rows.rows.map((row) => row.pid);
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < 300; tries += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function cutWhileWaitingOnTheLock(role: string): Promise<void> {
  const [pid] = await until('a member waiting on the members lock', async () => {
    const pids = await memberBackends(role, 'waiting on the lock');
    return pids.length ? pids : undefined;
  });
  await admin.query('select pg_terminate_backend($1)', [pid]);
}

describe('a member connection cut while it joins', { timeout: 120_000 }, () => {
  let member: Membership;

  it('a first join cut inside its query tries again and joins once the lock is free', async () => {
    await locker.query('select pg_advisory_lock($1, $2)', [...MEMBERS_LOCK]);
    const joining = joinCluster(dataDir, 'first-join');
    await cutWhileWaitingOnTheLock('first-join');
    await locker.query('select pg_advisory_unlock($1, $2)', [...MEMBERS_LOCK]);
    member = await joining;
    expect(await memberBackends('first-join')).toHaveLength(1);
  });

  it('a rejoin after a lost connection survives being cut too, and leaves exactly one member connection', async () => {
    const [first] = await memberBackends('first-join');
    // Queued behind the member's shared hold, so granted when the cut ends it, ahead of the rejoin.
    const locked = locker.query('select pg_advisory_lock($1, $2)', [...MEMBERS_LOCK]);
    await until('the exclusive request to queue', async () =>
      (await admin.query("select 1 from pg_locks where locktype = 'advisory' and not granted")).rowCount ? true : undefined,
    );
    await admin.query('select pg_terminate_backend($1)', [first]);
    await locked;
    await cutWhileWaitingOnTheLock('first-join');
    // Held well past the one-second retry: attempts that overlapped would each end up joined.
    await until('the next attempt to wait on the lock', async () =>
      (await memberBackends('first-join', 'waiting on the lock')).length ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await locker.query('select pg_advisory_unlock($1, $2)', [...MEMBERS_LOCK]);
    const rejoined = await until('the member to rejoin', async () => {
      const pids = await memberBackends('first-join');
      const waiting = await memberBackends('first-join', 'waiting on the lock');
      return pids.length > 0 && waiting.length === 0 ? pids : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(rejoined).toHaveLength(1);
    expect(await memberBackends('first-join')).toEqual(rejoined);
    // The last member out stops the cluster: no leaked member connection holds the lock shared.
    expect(await member.leave()).toEqual({ stopped: true });
  });
});
