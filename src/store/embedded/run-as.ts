import { execFile } from 'node:child_process';
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The uid/gid PostgreSQL runs as; empty when Paybridge itself is not root. */
export interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

const ACCOUNT = 'postgres';

/**
 * PostgreSQL refuses to run as root (a container's default user). Then it runs as the system account
 * `postgres`, created here if the machine has none, and owns its data directory; Paybridge, as root,
 * can still read everything it needs.
 */
export async function postgresRunAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  let ids = await accountIds();
  if (!ids) {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT]);
    } catch (error) {
      throw new Error(
        `Paybridge runs as root and PostgreSQL may not; creating the system account "${ACCOUNT}" failed (${(error as Error).message.trim()}). Create it, run Paybridge as another user, or set PAYBRIDGE_DATABASE_URL.`,
        { cause: error },
      );
    }
    ids = await accountIds();
    if (!ids) throw new Error(`the system account "${ACCOUNT}" was created but cannot be looked up`);
  }
  return ids;
}

async function accountIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', ACCOUNT]), run('id', ['-g', ACCOUNT])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Gives a directory tree to the account PostgreSQL runs as (a no-op when not root). */
export function chownTree(path: string, runAs: RunAs): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  chownSync(path, runAs.uid, runAs.gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), runAs);
}
