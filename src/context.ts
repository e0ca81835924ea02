import type { EventEmitter } from 'node:events';
import type { Config } from './config';
import type { SecretBox } from './crypto/secret-box';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { Store } from './store/database';
import type { StripeClientFactory } from './stripe/client';

/** Everything a request handler, worker or command needs, built once in main.ts (or by a test). */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly stripe: StripeClientFactory;
  readonly now: () => Date;
  /** In-process signals: 'events-stored' wakes the workers at once instead of at their next poll. */
  readonly bus: EventEmitter;
}
