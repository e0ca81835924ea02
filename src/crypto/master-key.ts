import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { generateMasterKey } from './secret-box';

export const MASTER_KEY_FILE = 'master.key';

/**
 * The master key comes from PAYBRIDGE_MASTER_KEY. For the embedded quick start only, one is generated
 * into the data dir (mode 0600) so `npm start` works with no setup; the warning says to move it out,
 * because a key stored next to the data it protects only guards against leaked database dumps.
 */
export function resolveMasterKey(options: { configured?: string; dataDir: string; logger: Logger }): {
  key: string;
  source: 'environment' | 'file';
} {
  if (options.configured) return { key: options.configured, source: 'environment' };
  const path = join(options.dataDir, MASTER_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      writeFileSync(path, `${generateMasterKey()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // A CLI command and a server starting together on a new data dir: the first key written wins.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  options.logger.warn(
    { path },
    'Using the master key stored in the data directory. For production set PAYBRIDGE_MASTER_KEY (openssl rand -base64 32) and keep it out of the data directory.',
  );
  return { key: readFileSync(path, 'utf8').trim(), source: 'file' };
}

/** Replaces the key file atomically, so a crash leaves either the old key or the new one, never half. */
export function writeMasterKeyFile(dataDir: string, key: string): void {
  const path = join(dataDir, MASTER_KEY_FILE);
  const temporary = `${path}.new`;
  writeFileSync(temporary, `${key}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
