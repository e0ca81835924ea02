import { newId } from '../ids';
import type { Db } from './database';
import type { SigningSecretRow } from './schema';

export async function insertSigningSecret(
  db: Db,
  values: { connectionId: string; seal: (id: string) => string; hint: string },
): Promise<SigningSecretRow> {
  const id = newId('signingSecret');
  return db
    .insertInto('signing_secrets')
    .values({ id, connection_id: values.connectionId, secret_sealed: values.seal(id), hint: values.hint })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Secrets that still verify deliveries at `now`: the current one and any still inside its overlap. */
export async function listActiveSigningSecrets(db: Db, connectionId: string, now = new Date()): Promise<SigningSecretRow[]> {
  return db
    .selectFrom('signing_secrets')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/** Starts the overlap: every current secret of the connection expires at `expiresAt`. */
export async function expireCurrentSigningSecrets(db: Db, connectionId: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('signing_secrets')
    .set({ expires_at: expiresAt })
    .where('connection_id', '=', connectionId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt)]))
    .execute();
}
