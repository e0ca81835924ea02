import { EventEmitter } from 'node:events';
import type { Config } from './config';
import type { AppContext } from './context';
import { resolveMasterKey } from './crypto/master-key';
import { createSecretBox } from './crypto/secret-box';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { openStore, type Store } from './store/database';
import { migrateOrThrow } from './store/migrations';
import { createStripeClientFactory } from './stripe/client';

/**
 * config → logger → store (migrated) → master key → context. Shared by `serve`, every CLI command and
 * tests, so they all see the same wiring. The caller owns the returned store and must close it.
 */
export async function buildContext(
  config: Config,
  options: { logger?: Logger; store?: Store; collectDefaultMetrics?: boolean } = {},
): Promise<AppContext & { masterKeySource: 'environment' | 'file' }> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const store =
    options.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      ingestPoolSize: config.ingestPoolSize,
    }));
  await migrateOrThrow(store.db);
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
