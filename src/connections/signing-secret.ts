import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { secretHint } from '../crypto/tokens';
import { announce } from '../domain/unit-of-work';
import { expireCurrentSigningSecrets, insertSigningSecret } from '../store/signing-secrets';

/**
 * Stores a new signing secret. Older ones keep verifying for the configured overlap (Stripe's own
 * "roll secret" keeps the old one alive up to 24 h), so deliveries in flight are not rejected.
 */
export async function addSigningSecret(ctx: AppContext, connectionId: string, secret: string): Promise<void> {
  await expireCurrentSigningSecrets(ctx.store.db, connectionId, new Date(ctx.now().getTime() + ctx.config.secretOverlapMs));
  await insertSigningSecret(ctx.store.db, {
    connectionId,
    seal: (secretId) => ctx.secrets.seal(secret, bindingFor('signing_secrets', secretId)),
    hint: secretHint(secret),
  });
  await announce(ctx, [{ kind: 'connection', connectionId }]);
}
