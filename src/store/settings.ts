import type { Db } from './database';

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Inserts only when absent and returns whether this call wrote it, so two starting processes agree on one value. */
export async function insertSettingIfAbsent(db: Db, key: string, value: string): Promise<boolean> {
  const result = await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Sets `value` only where it still holds `expected` (a compare-and-set). */
export async function replaceSetting(db: Db, key: string, expected: string, value: string): Promise<void> {
  await db.updateTable('settings').set({ value }).where('key', '=', key).where('value', '=', expected).execute();
}

export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
