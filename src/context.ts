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
  /**
   * Signals (src/domain/signals.ts): raised here by this process after its commits, and by the LISTEN
   * relay for other processes' commits. 'events-stored' wakes event workers at once instead of at
   * their next poll; 'connection-changed' drops cached connections.
   */
  readonly bus: EventEmitter;
}
