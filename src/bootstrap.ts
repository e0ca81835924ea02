import { EventEmitter } from 'node:events';
import type { Config } from './config';
import type { AppContext } from './context';
import { resolveMasterKey } from './crypto/master-key';
import { createSecretBox } from './crypto/secret-box';
import { createLogger, resolveLogFormat, type Logger } from './logger';
import { createMetrics } from './metrics';
import { openStore, type Store } from './store/database';
import { legacyPgliteNotice } from './store/embedded/pglite-legacy';
import { migrateOrThrow } from './store/migrations';
import { createStripeClientFactory } from './stripe/client';

/**
 * config → logger → store (migrated) → master key → context. Shared by `serve`, every CLI command and
 * tests, so they all see the same wiring. The caller owns the returned store and must close it.
 */
export async function buildContext(
  config: Config,
  options: { logger?: Logger; store?: Store; collectDefaultMetrics?: boolean; processRole?: string } = {},
): Promise<AppContext & { masterKeySource: 'environment' | 'file' }> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, format: resolveLogFormat(config.logFormat, process.stdout.isTTY === true) });
  // Data of an earlier version waits in data/pglite: starting on an empty database would look like it
  // vanished, so every process on that data directory stops here and names the command that copies it.
  const legacy = options.store || config.databaseUrl ? undefined : legacyPgliteNotice(config.dataDir);
  if (legacy) throw new Error(legacy);
  const store =
    options.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      role: options.processRole ?? 'command',
      poolSize: config.databasePoolSize,
      ingestPoolSize: config.ingestPoolSize,
    }));
  try {
    await migrateOrThrow(store.db);
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  const masterKey = resolveMasterKey({ configured: config.masterKey, dataDir: config.dataDir, logger });
  return {
    config,
    store,
    logger,
    secrets: createSecretBox(masterKey.key),
    metrics: createMetrics({ collectDefaults: options.collectDefaultMetrics }),
    stripe: createStripeClientFactory({ apiBase: config.stripeApiBase }),
    now: () => new Date(),
    bus: new EventEmitter().setMaxListeners(100),
    masterKeySource: masterKey.source,
  };
}
