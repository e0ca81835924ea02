import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { generateMasterKey } from './crypto/secret-box';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('configuration', () => {
  it('starts with no variables at all: embedded storage, local defaults, frozen', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      databaseUrl: undefined,
      dataDir: './data',
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://localhost:8080',
      masterKey: undefined,
      adminToken: undefined,
      stripeApiBase: undefined,
      smtpUrl: undefined,
      mailFrom: expect.any(String),
      role: 'all',
      webProcesses: 1,
      logLevel: 'info',
      logFormat: 'auto',
      secretOverlapMs: 24 * 3_600_000,
      webhookBodyLimitBytes: expect.any(Number),
      databasePoolSize: 10,
      ingestPoolSize: 4,
      apiRatePerKey: 25,
      apiConcurrencyPerKey: 4,
      checkRatePerKey: 20_000,
      checkConcurrencyPerKey: 128,
      trustedProxies: [],
      maxConnectionsPerTenant: 1000,
      paymentRequestStallMs: 60 * 60_000,
      outboundAllowPrivate: false,
      eventRetentionDays: 90,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow();
  });

  it('has no default for any secret: the master key and the admin token stay unset until given', () => {
    const config = loadConfig({});
    expect(config.masterKey).toBeUndefined();
    expect(config.adminToken).toBeUndefined();
    // An empty variable counts as unset, not as an empty secret.
    const empty = loadConfig({ PAYBRIDGE_MASTER_KEY: '', PAYBRIDGE_ADMIN_TOKEN: '' });
    expect(empty.masterKey).toBeUndefined();
    expect(empty.adminToken).toBeUndefined();
  });

  it("reads every variable of SPEC §4 and ignores variables that are not Paybridge's", () => {
    const masterKey = generateMasterKey();
    const config = loadConfig({
      PAYBRIDGE_DATABASE_URL: 'postgres://paybridge@127.0.0.1:5432/paybridge',
      PAYBRIDGE_DATA_DIR: '/var/lib/paybridge',
      PAYBRIDGE_HOST: '0.0.0.0',
      PAYBRIDGE_PORT: '9090',
      PAYBRIDGE_PUBLIC_URL: 'https://pay.example.com/',
      PAYBRIDGE_MASTER_KEY: masterKey,
      PAYBRIDGE_ADMIN_TOKEN: 'pb_admin_0123456789abcdefghijklmn',
      PAYBRIDGE_STRIPE_API_BASE: 'http://127.0.0.1:12111/',
      PAYBRIDGE_SMTP_URL: 'smtp://user:pass@127.0.0.1:2525',
      PAYBRIDGE_ROLE: 'worker',
      PORT: 'not-ours',
      HOME: '/root',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://paybridge@127.0.0.1:5432/paybridge',
      dataDir: '/var/lib/paybridge',
      host: '0.0.0.0',
      port: 9090,
      publicUrl: 'https://pay.example.com',
      masterKey,
      adminToken: 'pb_admin_0123456789abcdefghijklmn',
      stripeApiBase: 'http://127.0.0.1:12111',
      smtpUrl: 'smtp://user:pass@127.0.0.1:2525',
      role: 'worker',
    });
  });

  it('fails listing every bad variable at once, each with how to fix it, never echoing a secret', () => {
    const badKey = 'c2hvcnQta2V5LXRoYXQtaXMtbm90LTMyLWJ5dGVz';
    const problems = problemsOf({
      PAYBRIDGE_PORT: 'eighty',
      PAYBRIDGE_MASTER_KEY: badKey,
      PAYBRIDGE_PUBLIC_URL: 'pay.example.com without a scheme',
      PAYBRIDGE_DATABASE_URL: 'mysql://127.0.0.1/paybridge',
      PAYBRIDGE_ROLE: 'boss',
      PAYBRIDGE_ADMIN_TOKEN: 'short',
      PAYBRIDGE_STRIPE_API_BASE: 'sandbox',
    });
    const named = problems.map((problem) => problem.split(':')[0]);
    expect(named.sort()).toEqual(
      [
        'PAYBRIDGE_ADMIN_TOKEN',
        'PAYBRIDGE_DATABASE_URL',
        'PAYBRIDGE_MASTER_KEY',
        'PAYBRIDGE_PORT',
        'PAYBRIDGE_PUBLIC_URL',
        'PAYBRIDGE_ROLE',
        'PAYBRIDGE_STRIPE_API_BASE',
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith('PAYBRIDGE_MASTER_KEY'))).toMatch(/openssl rand -base64 32/);
    expect(problems.find((p) => p.startsWith('PAYBRIDGE_ADMIN_TOKEN'))).toMatch(/at least 24/);
    expect(problems.find((p) => p.startsWith('PAYBRIDGE_DATABASE_URL'))).toMatch(/postgres:\/\//);
    const message = problems.join('\n');
    expect(message).not.toContain(badKey);
  });

  it('reads the event retention in whole days and refuses one that is not, saying what to write', () => {
    expect(loadConfig({ PAYBRIDGE_EVENT_RETENTION_DAYS: '400' }).eventRetentionDays).toBe(400);
    for (const value of ['0', '-3', '1.5', 'ninety', '40000']) {
      const problems = problemsOf({ PAYBRIDGE_EVENT_RETENTION_DAYS: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^PAYBRIDGE_EVENT_RETENTION_DAYS: must be/);
    }
  });

  it('names the three classic mistakes together: bad port, bad master key, bad URL', () => {
    const problems = problemsOf({ PAYBRIDGE_PORT: '70000', PAYBRIDGE_MASTER_KEY: 'not base64 at all', PAYBRIDGE_PUBLIC_URL: '::' });
    expect(problems).toHaveLength(3);
    for (const name of ['PAYBRIDGE_PORT', 'PAYBRIDGE_MASTER_KEY', 'PAYBRIDGE_PUBLIC_URL'])
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    const error = (() => {
      try {
        loadConfig({ PAYBRIDGE_PORT: '70000', PAYBRIDGE_MASTER_KEY: 'x', PAYBRIDGE_PUBLIC_URL: '::' });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/^Paybridge cannot start; fix these settings:\n {2}- PAYBRIDGE_/);
  });
});

describe('web processes', () => {
  it('takes PAYBRIDGE_WEB_PROCESSES, and a command-line override wins over the environment', () => {
    expect(loadConfig({ PAYBRIDGE_WEB_PROCESSES: '3' }).webProcesses).toBe(3);
    expect(loadConfig({ PAYBRIDGE_WEB_PROCESSES: '3' }, { PAYBRIDGE_WEB_PROCESSES: '2' }).webProcesses).toBe(2);
    expect(loadConfig({ PAYBRIDGE_WEB_PROCESSES: '3' }, { PAYBRIDGE_WEB_PROCESSES: undefined }).webProcesses).toBe(3);
  });

  it('refuses a count that is not a whole number from 1 to 64, saying which', () => {
    expect(problemsOf({ PAYBRIDGE_WEB_PROCESSES: '0' })).toEqual([
      'PAYBRIDGE_WEB_PROCESSES: must be at least 1 (1 serves from this process alone)',
    ]);
    expect(problemsOf({ PAYBRIDGE_WEB_PROCESSES: '65' })).toEqual([
      'PAYBRIDGE_WEB_PROCESSES: must be at most 64 (one per core is the useful most)',
    ]);
    expect(problemsOf({ PAYBRIDGE_WEB_PROCESSES: '1.5' })[0]).toMatch(/whole number of web processes/);
    expect(problemsOf({ PAYBRIDGE_WEB_PROCESSES: 'two' })[0]).toMatch(/whole number of web processes/);
  });
});

describe('weak secrets', () => {
  it('refuses a master key of 32 zero bytes, or one with characters outside base64, saying how to make one', () => {
    for (const key of [
      Buffer.alloc(32).toString('base64'),
      `${Buffer.alloc(32, 7).toString('base64')}`,
      'A'.repeat(42) + '!!',
      'A'.repeat(43) + '=\n',
    ]) {
      const problems = problemsOf({ PAYBRIDGE_MASTER_KEY: key });
      expect(problems, key).toHaveLength(1);
      expect(problems[0]).toMatch(/^PAYBRIDGE_MASTER_KEY: .*openssl rand -base64 32/);
      expect(problems[0]).not.toContain(key);
    }
    expect(() => loadConfig({ PAYBRIDGE_MASTER_KEY: generateMasterKey() })).not.toThrow();
  });

  it('refuses an admin token like 24 × "a", saying how to make one', () => {
    for (const token of ['a'.repeat(24), 'ab'.repeat(20), '0123456789'.slice(0, 9).repeat(3)]) {
      const problems = problemsOf({ PAYBRIDGE_ADMIN_TOKEN: token });
      expect(problems, token).toHaveLength(1);
      expect(problems[0]).toMatch(/^PAYBRIDGE_ADMIN_TOKEN: .*openssl rand -hex 24/);
    }
    expect(() => loadConfig({ PAYBRIDGE_ADMIN_TOKEN: randomBytes(24).toString('hex') })).not.toThrow();
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration schema reads, with its default', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const names = [...new Set([...source.matchAll(/^\s+(PAYBRIDGE_[A-Z_]+):/gm)].map((match) => match[1]!))];
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of names) expect(example, name).toMatch(new RegExp(`^# ${name}=`, 'm'));
    // Each variable says its default, or for a secret that it has none.
    const documented = (example.match(/^# Default:/gm)?.length ?? 0) + (example.match(/No default/g)?.length ?? 0);
    expect(documented).toBeGreaterThanOrEqual(names.length);
  });
});
