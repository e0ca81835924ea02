import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { postgresBinaries, type PostgresBinaries } from './binaries';
import { chownTree, postgresRunAs, type RunAs } from './run-as';
import { TUNING } from './tuning';

/**
 * Where the embedded PostgreSQL keeps everything, inside the Paybridge data directory:
 * `postgres/pgdata` is PostgreSQL's own data directory, whose `postmaster.pid` is the lock and the
 * state other processes read (pid, port, ready); `postgres/password` is the superuser password (0600);
 * `postgres/port` the port the cluster prefers, so a restart comes back where clients look for it.
 */
export function clusterPaths(dataDir: string) {
  // Absolute, because PostgreSQL's tools run with their own working directory: a relative `./data`
  // (the default) would point somewhere else for them.
  const home = join(resolve(dataDir), 'postgres');
  return {
    home,
    pgdata: join(home, 'pgdata'),
    password: join(home, 'password'),
    port: join(home, 'port'),
    log: join(home, 'pgdata', 'postgres.log'),
  };
}

export interface RunningCluster {
  readonly port: number;
  readonly password: string;
}

interface Tools {
  readonly bins: PostgresBinaries;
  readonly runAs: RunAs;
}

let tools: Promise<Tools> | undefined;
function loadTools(): Promise<Tools> {
  tools ??= Promise.all([postgresBinaries(), postgresRunAs()]).then(([bins, runAs]) => ({ bins, runAs }));
  return tools;
}

/**
 * Makes sure the cluster of this data directory exists and runs, and returns where it listens.
 * Safe to call from several processes at once: initdb runs in a private staging directory renamed into
 * place (one wins, the others discard theirs), and PostgreSQL's own lock file lets one postmaster
 * start while the others wait for it to be ready. With `port`, a start uses that port or fails: a
 * running process restarting the cluster under its pools needs it back where they connect.
 */
export async function ensureCluster(dataDir: string, options: { port?: number } = {}): Promise<RunningCluster> {
  const { bins, runAs } = await loadTools();
  const paths = clusterPaths(dataDir);
  await initialise(dataDir, bins, runAs);
  const password = readFileSync(paths.password, 'utf8').trim();
  const deadline = Date.now() + 60_000;
  let starts = 0;
  let lastError = '';
  while (Date.now() < deadline) {
    const state = readLockFile(paths.pgdata);
    if (state.kind === 'ready') return { port: state.port, password };
    if (state.kind === 'busy') {
      await sleep(100);
      continue;
    }
    if (state.kind === 'stale-reused-pid') {
      // After a kill -9 and a reboot or container restart, another process may now own the recorded
      // pid; PostgreSQL would then refuse to start, so the lock file is removed as the stale one it is.
      unlinkSync(join(paths.pgdata, 'postmaster.pid'));
    }
    if (starts >= 5) break;
    starts += 1;
    const port = await choosePort(paths, options.port);
    writeFileSync(join(paths.pgdata, 'paybridge.conf'), TUNING);
    chownTree(join(paths.pgdata, 'paybridge.conf'), runAs);
    const result = await runTool(bins.pgCtl, ['start', '-D', paths.pgdata, '-l', paths.log, '-w', '-t', '60', '-s', '-o', `-p ${port}`], {
      runAs,
      cwd: paths.home,
      // Its own session: Ctrl-C in the terminal reaches Paybridge, which shuts down in order, and
      // never PostgreSQL directly.
      detached: true,
    });
    if (result.code === 0) {
      writeFileSync(paths.port, `${port}\n`);
    } else {
      lastError = `${result.output.trim()} ${logTail(paths.log)}`.trim();
      // Another process may have started it meanwhile (its postmaster holds the lock): look again.
      await sleep(200);
    }
  }
  throw new Error(
    `The embedded PostgreSQL in ${paths.pgdata} did not start: ${lastError || 'timed out waiting for it to accept connections'}. ` +
      'Check the log named above and that the data directory is writable, or set PAYBRIDGE_DATABASE_URL to use another PostgreSQL.',
  );
}

/** Stops the cluster (fast mode: open sessions end, committed data is kept). */
export async function stopCluster(dataDir: string): Promise<void> {
  const { bins, runAs } = await loadTools();
  const paths = clusterPaths(dataDir);
  const result = await runTool(bins.pgCtl, ['stop', '-D', paths.pgdata, '-m', 'fast', '-w', '-t', '60', '-s'], { runAs, cwd: paths.home });
  if (result.code !== 0 && readLockFile(paths.pgdata).kind !== 'stopped') {
    throw new Error(`could not stop the embedded PostgreSQL in ${paths.pgdata}: ${result.output.trim()}`);
  }
}

async function initialise(relativeOrAbsoluteDataDir: string, bins: PostgresBinaries, runAs: RunAs): Promise<void> {
  const dataDir = resolve(relativeOrAbsoluteDataDir);
  const paths = clusterPaths(dataDir);
  if (existsSync(join(paths.pgdata, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true });
  if (runAs.uid !== undefined) {
    // PostgreSQL's account must pass through the data directory (a mkdtemp one is 0700); its files
    // keep their own modes (the master key and admin token files stay 0600).
    chmodSync(dataDir, statSync(dataDir).mode | 0o011);
    const closed = closedAncestor(resolve(dataDir));
    if (closed) {
      throw new Error(
        `${closed} is closed to other accounts, so PostgreSQL (which runs as the "postgres" account when Paybridge runs as root) cannot reach ${dataDir}. ` +
          'Set PAYBRIDGE_DATA_DIR to a directory outside it (such as /var/lib/paybridge), or run Paybridge as another user',
      );
    }
  }
  const staging = mkdtempSync(join(dataDir, '.postgres-init-'));
  try {
    // PostgreSQL (another account when Paybridge is root) must pass through to its pgdata; the
    // password file stays readable by Paybridge only.
    chmodSync(staging, 0o711);
    const password = randomBytes(24).toString('hex');
    writeFileSync(join(staging, 'password'), `${password}\n`, { mode: 0o600 });
    const pwfile = join(staging, 'initdb-password');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    chownTree(pwfile, runAs);
    const pgdata = join(staging, 'pgdata');
    mkdirSync(pgdata, { mode: 0o700 });
    chownTree(pgdata, runAs);
    const result = await runTool(
      bins.initdb,
      ['-D', pgdata, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-instructions'],
      { runAs, cwd: staging },
    );
    rmSync(pwfile, { force: true });
    if (result.code !== 0) throw new Error(`initdb failed: ${result.output.trim()}`);
    writeFileSync(
      join(pgdata, 'postgresql.conf'),
      `\n# Paybridge's settings for the embedded server, rewritten at each start\ninclude_if_exists = 'paybridge.conf'\n`,
      {
        flag: 'a',
      },
    );
    try {
      renameSync(staging, paths.home);
    } catch (error) {
      // Another process initialised the same data directory first: use theirs.
      if (!existsSync(join(paths.pgdata, 'PG_VERSION'))) throw error;
    }
  } catch (error) {
    throw new Error(
      `Could not create the embedded PostgreSQL in ${paths.home}: ${(error as Error).message}. Check that ${dataDir} is writable ` +
        '(and, when Paybridge runs as root, reachable by the "postgres" account), or set PAYBRIDGE_DATABASE_URL.',
      { cause: error },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The first parent directory that other accounts may not pass through, if any. */
function closedAncestor(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

type LockState = { kind: 'ready'; port: number } | { kind: 'busy' } | { kind: 'stopped' } | { kind: 'stale-reused-pid' };

/** Reads PostgreSQL's postmaster.pid: line 1 the pid, line 4 the port, line 8 the status. */
function readLockFile(pgdata: string): LockState {
  let lines: string[];
  try {
    lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return { kind: 'stopped' };
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return { kind: 'busy' }; // being written
  if (!isAlive(pid)) return { kind: 'stopped' }; // stale after a kill -9: PostgreSQL replaces it itself
  if (!isPostgres(pid)) return { kind: 'stale-reused-pid' };
  const status = (lines[7] ?? '').trim();
  const port = Number(lines[3]);
  return status === 'ready' && port > 0 ? { kind: 'ready', port } : { kind: 'busy' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return !existsSync('/proc/self'); // no /proc (macOS): trust the pid
  }
}

/**
 * The port used last time, so clients of a cluster that stopped under them find it again: a port
 * briefly held by someone else (an outgoing connection given the same number) is waited for, up to
 * `PREVIOUS_PORT_WAIT_MS` and only while no other process has started the cluster, before another is
 * chosen. With `required` there is no other choice: the call fails while that port is taken.
 */
async function choosePort(paths: ReturnType<typeof clusterPaths>, required?: number): Promise<number> {
  const previous = required ?? (existsSync(paths.port) ? Number(readFileSync(paths.port, 'utf8')) : 0);
  if (previous > 0) {
    const deadline = Date.now() + PREVIOUS_PORT_WAIT_MS;
    for (;;) {
      if (await canListen(previous)) return previous;
      if (Date.now() > deadline || readLockFile(paths.pgdata).kind !== 'stopped') break;
      await sleep(200);
    }
    if (required) throw new Error(`port ${required}, where this process's connections look for it, is in use by another program`);
  }
  return listenOnce(0);
}

const PREVIOUS_PORT_WAIT_MS = 5_000;

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const chosen = (server.address() as { port: number }).port;
      server.close(() => resolve(chosen));
    });
  });
}

function logTail(logFile: string): string {
  try {
    return `(log ${logFile}: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')})`;
  } catch {
    return '';
  }
}

function runTool(
  command: string,
  args: string[],
  options: { runAs: RunAs; cwd: string; detached?: boolean },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      uid: options.runAs.uid,
      gid: options.runAs.gid,
      detached: options.detached ?? false,
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
