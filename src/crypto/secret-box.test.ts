import { describe, expect, it } from 'vitest';
import { createSecretBox, generateMasterKey } from './secret-box';
import { secretHint } from './tokens';

describe('secret box', () => {
  const box = createSecretBox(generateMasterKey());

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('sk_test_abcdef1234567890', 'connections.secret_key:conn_1');
    expect(sealed).not.toContain('sk_test');
    expect(box.open(sealed, 'connections.secret_key:conn_1')).toBe('sk_test_abcdef1234567890');
  });

  it('refuses a ciphertext moved to another row', () => {
    const sealed = box.seal('whsec_123', 'a:1');
    expect(() => box.open(sealed, 'a:2')).toThrow();
  });

  it('refuses a value sealed by another master key, naming both key ids', () => {
    const other = createSecretBox(generateMasterKey());
    const sealed = other.seal('x', 'b');
    expect(() => box.open(sealed, 'b')).toThrow(/sealed with master key/);
  });

  it('hints keys without revealing them', () => {
    expect(secretHint('sk_test_51Habc4f2a')).toBe('sk_test_…4f2a');
    expect(secretHint('whsec_abcdefgh')).toBe('whsec_…efgh');
  });
});
