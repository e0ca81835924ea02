import type { Db } from './database';

/** The sealed token-hashing key with this id, if one was made. */
export async function findTokenHashKey(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('token_hash_keys').select('key_sealed').where('id', '=', id).executeTakeFirst();
  return row?.key_sealed;
}

/** Stores the key unless another process stored one first; the caller reads back whichever won. */
export async function insertTokenHashKeyIfAbsent(db: Db, id: string, keySealed: string): Promise<void> {
  await db
    .insertInto('token_hash_keys')
    .values({ id, key_sealed: keySealed })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
