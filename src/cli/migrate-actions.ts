import { loadConfig } from '../config';
import { openStore } from '../store/database';
import { migrateOrThrow } from '../store/migrations';
import { reportCliError } from './with-context';

export const migrate = async () => {
  try {
    const config = loadConfig();
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const applied = await migrateOrThrow(store.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
    } finally {
      await store.close();
    }
  } catch (error) {
    reportCliError(error);
  }
};
