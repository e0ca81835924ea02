import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where versions before the embedded PostgreSQL kept their data (PGlite). */
export function legacyPgliteDir(dataDir: string): string | undefined {
  const dir = join(dataDir, 'pglite');
  return existsSync(join(dir, 'PG_VERSION')) ? dir : undefined;
}

/**
 * The message that stops a start on a data directory still holding PGlite data: without it the new
 * embedded PostgreSQL would start empty and a trial user's tenants would seem to have vanished.
 */
export function legacyPgliteNotice(dataDir: string): string | undefined {
  const dir = legacyPgliteDir(dataDir);
  if (!dir) return undefined;
  return (
    `${dir} holds data from an earlier Paybridge version (embedded PGlite). Copy it into the embedded PostgreSQL once with: ` +
    `npx paybridge migrate-embedded — it keeps the old directory as ${dir}.migrated-<date>. To start empty instead, move ${dir} away.`
  );
}
