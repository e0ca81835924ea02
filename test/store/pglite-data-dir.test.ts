import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database';
import { ensurePgliteDataDir } from '../../src/store/pglite-data-dir';

describe('embedded data directory', () => {
  it('is created by a child process on first open, then opened as it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pb-pglite-'));
    const dir = join(dataDir, 'pglite');
    const store = await openStore({ dataDir });
    try {
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      await store.db.schema.createTable('kept').addColumn('id', 'integer').execute();
    } finally {
      await store.close();
    }
    await ensurePgliteDataDir(dir); // exists: nothing to do, nothing lost
    const reopened = await openStore({ dataDir });
    try {
      expect(
        await reopened.db
          .selectFrom('kept' as never)
          .selectAll()
          .execute(),
      ).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it('says what to check when the directory cannot be created', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pb-pglite-')), 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(ensurePgliteDataDir(join(file, 'pglite'))).rejects.toThrow(
      /Could not create the embedded database in .*a-file\/pglite: .*writable.*PAYBRIDGE_DATABASE_URL/s,
    );
  });
});
