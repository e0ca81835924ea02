import { changeConnection } from '../src/connections/connection-service';
import type { AppContext } from '../src/context';
import type { ConnectionRow } from '../src/store/schema';
import type { ConnectionActions } from './pages/connection';

type Action = (row: ConnectionRow) => Promise<unknown>;

/**
 * The connection actions the dashboard offers, each bound to the service function that does it.
 * An action whose service does not exist yet is absent, and its button is not shown.
 */
export function connectionActions(ctx: AppContext): { available: ConnectionActions; enable: Action; check?: Action; repair?: Action; backfill?: Action } {
  const check: Action | undefined = undefined;
  const repair: Action | undefined = undefined;
  const backfill: Action | undefined = undefined;
  return {
    available: { check: !!check, repair: !!repair, backfill: !!backfill },
    // Enabling resumes the connection's paused events (connection-service does it on the is_active change).
    enable: (row) => changeConnection(ctx, row, { is_active: true }),
    check,
    repair,
    backfill,
  };
}
