import { changeConnection, checkConnection, repairConnection } from '../src/connections/connection-service';
import type { AppContext } from '../src/context';
import type { ConnectionRow } from '../src/store/schema';
import { backfillConnection, type BackfillResult } from '../src/webhooks/backfill';
import type { ConnectionActions } from './pages/connection';

type Action<T = unknown> = (row: ConnectionRow) => Promise<T>;

/**
 * The connection actions the dashboard offers, each bound to the service function that does it.
 * An action whose service does not exist is left out, and its button is not shown.
 */
export function connectionActions(ctx: AppContext): {
  available: ConnectionActions;
  enable: Action;
  check?: Action;
  repair?: Action;
  backfill?: Action<BackfillResult>;
} {
  return {
    available: { check: true, repair: true, backfill: true },
    // Enabling resumes the connection's paused events (connection-service does it on the is_active change).
    enable: (row) => changeConnection(ctx, row, { is_active: true }),
    check: (row) => checkConnection(ctx, row),
    repair: (row) => repairConnection(ctx, row),
    backfill: (row) => backfillConnection(ctx, row),
  };
}
