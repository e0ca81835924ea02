import { loadConfig } from '../config';
import { openStore } from '../store/database';
import { copyFromPglite } from '../store/embedded/copy-from-pglite';
import { reportCliError } from './with-context';

export const migrateEmbedded = async () => {
  try {
    const config = loadConfig();
    if (config.databaseUrl)
      throw new Error('PAYBRIDGE_DATABASE_URL is set: migrate-embedded copies into the embedded store only; unset it');
    const store = await openStore({ dataDir: config.dataDir, role: 'migrate-embedded' });
    try {
      const result = await copyFromPglite(config.dataDir, store, (table, rows) => process.stdout.write(`  ${table}: ${rows} row(s)\n`));
      const total = Object.values(result.tables).reduce((sum, rows) => sum + rows, 0);
      process.stdout.write(`copied ${total} row(s) into the embedded PostgreSQL; the old directory is kept at ${result.keptAt}\n`);
    } finally {
      await store.close();
    }
  } catch (error) {
    reportCliError(error);
  }
};
