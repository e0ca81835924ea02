import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (API keys, signing secrets, outbound webhook secrets).
 * A sealed value reads `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id names the
 * master key that sealed it, so a rotation can tell what it has already re-encrypted. The caller's
 * `binding` (e.g. "connections.secret_key:conn_…") is authenticated data: a ciphertext copied into
 * another row or column fails to open instead of silently yielding another tenant's key.
 */
export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, binding: string): string;
  open(sealed: string, binding: string): string;
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function createSecretBox(masterKeyBase64: string): SecretBox {
  const key = Buffer.from(masterKeyBase64, 'base64');
  if (key.length !== 32) throw new Error('The master key must be 32 bytes (base64-encoded).');
  const keyId = masterKeyId(key);
  return {
    keyId,
    seal(plaintext, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(binding));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
      return ['v1', keyId, ...parts].join('.');
    },
    open(sealed, binding) {
      const [version, sealedKeyId, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('Not a sealed secret.');
      if (sealedKeyId !== keyId) {
        throw new Error(`This secret was sealed with master key ${sealedKeyId}, but the configured key is ${keyId}.`);
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(binding));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}
