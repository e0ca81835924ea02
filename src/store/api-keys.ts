import { newId } from '../ids';
import type { Db } from './database';
import type { ApiKey } from './schema';

export async function insertApiKey(db: Db, values: { tenantId: string; tokenHash: string; hint: string }): Promise<ApiKey> {
  return db
    .insertInto('api_keys')
    .values({ id: newId('apiKey'), tenant_id: values.tenantId, token_hash: values.tokenHash, hint: values.hint })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveApiKeyByHash(db: Db, tokenHash: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
}
