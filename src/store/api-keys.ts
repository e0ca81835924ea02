import { newId } from '../ids';
import type { Db } from './database';
import type { ApiKey } from './schema';

export async function insertApiKey(
  db: Db,
  values: { tenantId: string; tokenHash: string; hint: string; name?: string | null },
): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({ id: newId('apiKey'), tenant_id: values.tenantId, token_hash: values.tokenHash, hint: values.hint, name: values.name ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The unrevoked key stored under any of these hashes (a token's keyed and legacy hash). */
export async function findActiveApiKeyByHashes(db: Db, tokenHashes: readonly string[]): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('token_hash', 'in', tokenHashes).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function replaceApiKeyHash(db: Db, id: string, expected: string, tokenHash: string): Promise<void> {
  await db.updateTable('api_keys').set({ token_hash: tokenHash }).where('id', '=', id).where('token_hash', '=', expected).execute();
}

/** A tenant's keys, revoked ones included (they say when), newest first. */
export async function listTenantApiKeys(db: Db, tenantId: string): Promise<ApiKey[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Revokes a key of this tenant; undefined when there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(db: Db, tenantId: string, id: string, now: Date): Promise<ApiKey | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .execute();
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Records a use, at most once a minute per key: a write on every request would make reads cost writes. */
export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - 60_000))]))
    .execute();
}
