import type { AppContext } from '../context';
import { generateToken, hashToken } from '../crypto/tokens';
import { getSetting, insertSettingIfAbsent, putSetting } from '../store/settings';

const ADMIN_TOKEN_HASH = 'admin_token_hash';

/**
 * Makes sure an admin token exists. A configured PAYBRIDGE_ADMIN_TOKEN wins (its hash replaces any
 * stored one); otherwise the first start generates one and returns it so it can be printed once.
 * Only the hash is ever stored.
 */
export async function ensureAdminToken(ctx: AppContext): Promise<{ generatedToken?: string }> {
  const db = ctx.store.db;
  if (ctx.config.adminToken) {
    await putSetting(db, ADMIN_TOKEN_HASH, hashToken(ctx.config.adminToken));
    return {};
  }
  if (await getSetting(db, ADMIN_TOKEN_HASH)) return {};
  const token = generateToken('pb_admin');
  const wrote = await insertSettingIfAbsent(db, ADMIN_TOKEN_HASH, hashToken(token));
  return wrote ? { generatedToken: token } : {};
}

export async function adminTokenHash(ctx: AppContext): Promise<string | undefined> {
  return getSetting(ctx.store.db, ADMIN_TOKEN_HASH);
}
