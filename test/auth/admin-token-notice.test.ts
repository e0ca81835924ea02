import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { announceAdminToken } from '../../src/auth/admin-token-notice';
import { adminTokenHash } from '../../src/auth/admin-token';
import { hashToken } from '../../src/auth/token-hashing';
import { createHarness, type TestHarness } from '../support/test-context';

/** A stdout or stderr stand-in that records what was written and says whether it is a terminal. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('the admin token generated at first start', () => {
  let h: TestHarness;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'paybridge-token-'));
    h = await createHarness('postgres', { PAYBRIDGE_ADMIN_TOKEN: '', PAYBRIDGE_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Each case is a first start: no token stored yet.
    await h.ctx.store.db.deleteFrom('settings').where('key', '=', 'admin_token_hash').execute();
  });

  it('on a terminal goes to stderr only, never to stdout or a file', async () => {
    const stdout = stream(false);
    const stderr = stream(true);
    await announceAdminToken(h.ctx, { stdout, stderr });
    const token = /pb_admin_\S+/.exec(stderr.written.join(''))?.[0];
    expect(token).toBeDefined();
    expect(await adminTokenHash(h.ctx)).toBe((await hashToken(h.ctx, token!)).keyed);
    expect(stdout.written.join('')).toBe('');
    expect(() => statSync(join(dataDir, 'admin-token'))).toThrow();
  });

  it('without a terminal goes to a 0600 file in the data directory, and stdout names only the file', async () => {
    const stdout = stream(false);
    const stderr = stream(false);
    await announceAdminToken(h.ctx, { stdout, stderr });
    const file = join(dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    expect(await adminTokenHash(h.ctx)).toBe((await hashToken(h.ctx, token)).keyed);
    expect(stdout.written.join('')).toContain(file);
    expect(stdout.written.join('') + stderr.written.join('')).not.toContain(token);
  });

  it('is announced once: a later start prints nothing', async () => {
    await announceAdminToken(h.ctx, { stdout: stream(false), stderr: stream(true) });
    const stdout = stream(false);
    const stderr = stream(true);
    await announceAdminToken(h.ctx, { stdout, stderr });
    expect(stdout.written.join('') + stderr.written.join('')).toBe('');
  });
});
