import type { Db } from '../store/database';
import { lockSealedValues, updateSealedValue } from '../store/sealed-values';
import type { SecretBox } from './secret-box';
import { SEALED_COLUMNS } from './sealed-columns';

export interface RotationResult {
  readonly reencrypted: Record<string, number>;
  readonly total: number;
}

/**
 * Re-seals every secret under the new master key in one transaction: either all of them move to the
 * new key or none do, so no secret is ever left readable only by a key the operator no longer has.
 */
export async function rotateMasterKey(
  db: Db,
  from: SecretBox,
  to: SecretBox,
  onProgress?: (done: number) => void,
): Promise<RotationResult> {
  const reencrypted: Record<string, number> = {};
  let total = 0;
  await db.transaction().execute(async (trx) => {
    for (const entry of SEALED_COLUMNS) {
      let count = 0;
      for (const row of await lockSealedValues(trx, entry.table, entry.column)) {
        const binding = entry.binding(row.id);
        const plaintext = from.open(row.sealed, binding);
        await updateSealedValue(trx, entry.table, entry.column, row.id, to.seal(plaintext, binding));
        count += 1;
        total += 1;
        onProgress?.(total);
      }
      reencrypted[`${entry.table}.${entry.column}`] = count;
    }
  });
  return { reencrypted, total };
}
