import type { AppContext } from '../context';
import { findOneSealedValue } from '../store/sealed-values';
import { SEALED_COLUMNS } from './sealed-columns';

export type MasterKeyCheck = { ok: true; checked: boolean } | { ok: false; message: string };

/**
 * Opens one stored secret with the configured master key. A different key on the same database
 * used to go unnoticed: /readyz said ready while every webhook answered 503 (issue 18 item 6).
 * With nothing sealed yet there is nothing to check, and any key is right.
 */
export async function checkMasterKey(ctx: Pick<AppContext, 'store' | 'secrets'>): Promise<MasterKeyCheck> {
  for (const { table, column, binding } of SEALED_COLUMNS) {
    const row = await findOneSealedValue(ctx.store.db, table, column);
    if (!row) continue;
    try {
      ctx.secrets.open(row.sealed, binding(row.id));
      return { ok: true, checked: true };
    } catch {
      return {
        ok: false,
        message:
          'PAYBRIDGE_MASTER_KEY does not open the secrets stored in this database: it is not the key they were sealed with. Set the key this database was created or last rotated with (see `paybridge keys rotate`); a wrong key would refuse every webhook.',
      };
    }
  }
  return { ok: true, checked: false };
}
