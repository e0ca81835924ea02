import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat, scrubSecrets } from './logger';

const liveKey = 'sk_live_51HabcdefghijklmnopqrstuvWXYZ';
const restricted = 'rk_test_51Habcdefghijklmnopqrstuv0000';
const signing = 'whsec_abcdefghijklmnopqrstuvwxyz012345';
const adminToken = 'pb_admin_Zm9vYmFyLWJhei1xdXV4LTAxMjM0NTY3';
const apiKey = 'pb_key_aGVsbG8td29ybGQtMDEyMzQ1Njc4OQ';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('log redaction', () => {
  it('scrubs every secret shape inside free text and keeps the rest readable', () => {
    const text = `key ${liveKey}, rk ${restricted}; secret=${signing} admin ${adminToken} key ${apiKey} (pk_test_51Habcdefghij too)`;
    const scrubbed = scrubSecrets(text);
    for (const secret of [liveKey, restricted, signing, adminToken, apiKey, 'pk_test_51Habcdefghij'])
      expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain('sk_[redacted]');
    expect(scrubbed).toContain('whsec_[redacted]');
    expect(scrubbed).toMatch(/^key sk_\[redacted\], rk rk_\[redacted\]; secret=whsec_\[redacted\]/);
    // Ids and hints are not secrets and stay as they are.
    expect(scrubSecrets('conn_abc123 sk_test_…4f2a acct_1Habc we_1Mqgf')).toBe('conn_abc123 sk_test_…4f2a acct_1Habc we_1Mqgf');
  });

  it('redacts secret fields of logged objects and secrets inside messages and errors', () => {
    const { logger, lines } = capture();
    logger.info({ secret_key: liveKey, connection: { secret_key: restricted, webhook_secret: signing, name: 'Main' } }, 'connecting');
    logger.warn(`Stripe refused ${liveKey} for conn_123`);
    logger.error({ err: new Error(`bad signature with ${signing}`), token: adminToken }, 'webhook failed');
    logger.info({ req: { headers: { authorization: `Bearer ${apiKey}` } } }, 'request');
    const output = lines.join('');
    for (const secret of [liveKey, restricted, signing, adminToken, apiKey]) expect(output).not.toContain(secret);
    const [first, second, third] = lines.map((line) => JSON.parse(line));
    expect(first.secret_key).toBe('[redacted]');
    expect(first.connection).toMatchObject({ secret_key: '[redacted]', webhook_secret: '[redacted]', name: 'Main' });
    expect(second.msg).toBe('Stripe refused sk_[redacted] for conn_123');
    expect(third.err.message).toBe('bad signature with whsec_[redacted]');
    expect(third.token).toBe('[redacted]');
  });
});

describe('log formats', () => {
  it('pretty writes readable lines, not JSON, and still redacts secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination, format: 'pretty' });
    logger.warn({ connection_id: 'conn_123', secret_key: liveKey }, `Stripe refused ${liveKey}`);
    const text = lines.join('');
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/WARN.*Stripe refused sk_\[redacted\]/);
    expect(text).toContain('connection_id: "conn_123"');
    expect(text).not.toContain(liveKey);
  });

  it('auto is pretty on a terminal and JSON elsewhere; json and pretty are taken as set', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});
