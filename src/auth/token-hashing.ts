import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context';
import { keyedTokenHash, legacyTokenHash } from '../crypto/tokens';
import type { Db } from '../store/database';
import { findTokenHashKey, insertTokenHashKeyIfAbsent } from '../store/token-hash-keys';

const KEY_ID = 'thk_1';
const BINDING = `token_hash_keys.key:${KEY_ID}`;

/** The two ways a token may be stored: keyed (written now) and legacy SHA-256 (rows from before). */
export interface TokenHashes {
  readonly keyed: string;
  readonly legacy: string;
}

// One key per database, read once per process: keyed by the Kysely instance, which every copy of a
// context shares.
const loaded = new WeakMap<Db, Promise<Buffer>>();

/**
 * The installation's token-hashing key, made on first use by whichever process gets there first (the
 * others read the winner's). It is loaded lazily, not at start, so a wrong master key is reported by
 * the master-key check with its own message rather than by this.
 */
function tokenHashKey(ctx: AppContext): Promise<Buffer> {
  const db = ctx.store.db;
  let key = loaded.get(db);
  if (!key) {
    key = loadOrCreateKey(ctx);
    loaded.set(db, key);
    key.catch(() => loaded.delete(db));
  }
  return key;
}

async function loadOrCreateKey(ctx: AppContext): Promise<Buffer> {
  const db = ctx.store.db;
  let sealed = await findTokenHashKey(db, KEY_ID);
  if (!sealed) {
    await insertTokenHashKeyIfAbsent(db, KEY_ID, ctx.secrets.seal(randomBytes(32).toString('base64'), BINDING));
    sealed = (await findTokenHashKey(db, KEY_ID))!;
  }
  return Buffer.from(ctx.secrets.open(sealed, BINDING), 'base64');
}

/** The hashes a token is stored under: write `keyed`; also look up `legacy` to find rows from before. */
export async function hashToken(ctx: AppContext, token: string): Promise<TokenHashes> {
  return { keyed: keyedTokenHash(await tokenHashKey(ctx), token), legacy: legacyTokenHash(token) };
}
