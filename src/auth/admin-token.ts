import type { AppContext } from '../context';
import { generateToken } from '../crypto/tokens';
import { announce } from '../domain/unit-of-work';
import { getSetting, insertSettingIfAbsent, putSetting, replaceSetting } from '../store/settings';
import { hashToken } from './token-hashing';

const ADMIN_TOKEN_HASH = 'admin_token_hash';

/**
 * Makes sure an admin token exists. A configured PAYBRIDGE_ADMIN_TOKEN wins (its hash replaces any
 * stored one); otherwise the first start generates one and returns it so it can be printed once.
 * Only the hash is ever stored.
 */
export async function ensureAdminToken(ctx: AppContext): Promise<{ generatedToken?: string }> {
  const db = ctx.store.db;
  if (ctx.config.adminToken) {
    await putSetting(db, ADMIN_TOKEN_HASH, (await hashToken(ctx, ctx.config.adminToken)).keyed);
    // A replaced admin token stops working in the processes already running, not after their cache TTL.
    await announce(ctx, [{ kind: 'credentials' }]);
    return {};
  }
  if (await getSetting(db, ADMIN_TOKEN_HASH)) return {};
  const token = generateToken('pb_admin');
  const wrote = await insertSettingIfAbsent(db, ADMIN_TOKEN_HASH, (await hashToken(ctx, token)).keyed);
  return wrote ? { generatedToken: token } : {};
}

export async function adminTokenHash(ctx: AppContext): Promise<string | undefined> {
  return getSetting(ctx.store.db, ADMIN_TOKEN_HASH);
}

/** Replaces a legacy stored hash by the keyed one, unless the token changed meanwhile. */
export async function upgradeAdminTokenHash(ctx: AppContext, legacy: string, keyed: string): Promise<void> {
  await replaceSetting(ctx.store.db, ADMIN_TOKEN_HASH, legacy, keyed);
}
