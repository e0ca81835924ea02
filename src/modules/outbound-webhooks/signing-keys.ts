import type { AppContext } from '../../context';
import { bindingFor } from '../../crypto/sealed-columns';
import { listSigningSecrets } from '../../store/outbound-webhooks';
import { signingKey } from './signature';

interface Entry {
  version: number;
  keys: Buffer[];
  /** When a replaced secret stops signing: the entry is stale from then. */
  validUntil: number;
}

/**
 * The HMAC keys each endpoint signs with, opened once and kept in memory. An entry is tied to the
 * endpoint's `secrets_version`, which every claim reads, so a rotation made by any process is used
 * by the next attempt; it also lapses when an overlapping old secret expires.
 */
export class SigningKeys {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ctx: AppContext) {}

  async keysFor(endpointId: string, version: number): Promise<Buffer[]> {
    const now = this.ctx.now();
    const cached = this.entries.get(endpointId);
    if (cached && cached.version === version && cached.validUntil > now.getTime()) return cached.keys;
    const rows = await listSigningSecrets(this.ctx.store.db, endpointId, now);
    const keys = rows.map((row) => signingKey(this.ctx.secrets.open(row.secret_sealed, bindingFor('webhook_endpoint_secrets', row.id))));
    const expiries = rows.filter((row) => row.expires_at).map((row) => new Date(row.expires_at!).getTime());
    this.entries.set(endpointId, { version, keys, validUntil: Math.min(Number.MAX_SAFE_INTEGER, ...expiries) });
    return keys;
  }
}
