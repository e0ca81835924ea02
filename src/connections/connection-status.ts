import type { ConnectionRow, ConnectionStatus } from '../store/schema';

/**
 * Status is derived, never set by hand: disconnected beats disabled beats needs_attention, so an admin
 * always sees the state that decides whether events are processed.
 */
export function deriveStatus(row: Pick<ConnectionRow, 'disconnected_at' | 'is_active' | 'status_reasons'>): ConnectionStatus {
  if (row.disconnected_at) return 'disconnected';
  if (!row.is_active) return 'disabled';
  return row.status_reasons.length > 0 ? 'needs_attention' : 'active';
}
