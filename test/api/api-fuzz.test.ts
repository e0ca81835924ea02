import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { ALL_FEATURES } from '../../src/stripe/features';
import { describeEachStore, type TestHarness } from '../support/test-context';
import { allSecrets, keys } from './fixtures';

/**
 * Property-based fuzzing of the tenant and connection routes (SPEC §5 "malformed input"): whatever
 * the body, path ids, query or token, the API never answers 5xx; every 4xx carries
 * {error: {code, message}} with a message a person can act on, echoes no pasted secret, and leaves
 * the database exactly as it was.
 */

// Moderate run counts: the file runs on both stores on a 2-core machine and must stay well under 20 s.
const RUNS = { create: 60, patch: 60, tenants: 50, anyRoute: 100 };

/** Stripe is the local sandbox: valid keys come from one of its accounts, and nothing leaves 127.0.0.1. */
const env: Record<string, string> = {};
const account: AccountCredentials = { id: '', secret_key: '', publishable_key: '', live_secret_key: '', live_publishable_key: '' };
let sandbox: RunningSandbox | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  env.PAYBRIDGE_STRIPE_API_BASE = sandbox.url;
  Object.assign(account, await sandbox.createAccount({ email: 'fuzz@example.com' }));
});
afterAll(async () => {
  await sandbox?.close();
});
// The account's keys are only ever sent as secret_key, so they must never come back in any answer.
const secretsNeverShown = () => [account.secret_key, account.live_secret_key];

const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), maxLength: 40 });

/** Strings shaped like what admins paste, near misses included: wrong prefixes, unicode, NUL, padding, megabytes. */
const keyish = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'sk_test_',
        'sk_live_',
        'rk_test_',
        'rk_live_',
        'pk_test_',
        'pk_live_',
        'pk_',
        'sk_',
        'rk_',
        'sk_tst_',
        'sk_test',
        'sk_Test_',
        'whsec_',
        'we_',
        'acct_',
        ' sk_test_',
        'SK_TEST_',
        '',
      ),
      fc.oneof(alnum, fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 })),
    )
    .map(([prefix, rest]) => prefix + rest),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    ...Object.values(keys),
    `${keys.testSecret}\u0000`,
    `${keys.testSecret}\n`,
    `"${keys.testSecret}"`,
    'sk_test_' + 'a'.repeat(300),
  ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'sk_live_' + 'x'.repeat(n)),
);

/** Text PostgreSQL cannot store (NUL) or that is easy to mangle (lone surrogates, control characters, RTL, emoji). */
const awkwardText = fc.oneof(
  fc
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\r\n', '\t', '👩‍👩‍👧', '\ufeff', 'é'),
      fc.string({ maxLength: 8 }),
    )
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const anyValue = fc.oneof(
  { weight: 3, arbitrary: keyish },
  { weight: 2, arbitrary: awkwardText },
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.constantFrom(...ALL_FEATURES), fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const validCreate = {
  name: 'Main',
  get secret_key() {
    return account.secret_key;
  },
  get publishable_key() {
    return account.publishable_key;
  },
  webhook_secret: keys.signingSecret,
  webhook_setup: 'manual',
  environment: 'stage',
};
const connectionFields = [
  'name',
  'secret_key',
  'publishable_key',
  'account_id',
  'webhook_secret',
  'webhook_setup',
  'features',
  'environment',
  'is_active',
  'mode',
];

const validPatch = {
  name: 'Renamed',
  get secret_key() {
    return account.secret_key;
  },
  webhook_secret: keys.signingSecret2,
  environment: 'production',
  is_active: true,
  features: ['payments'],
};

/** A valid body with one to three fields replaced or removed: reaches the layers behind schema validation. */
const mutated = (base: Record<string, unknown>) =>
  fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...connectionFields), { minLength: 1, maxLength: 3 }),
      fc.array(fc.option(anyValue, { nil: undefined }), { minLength: 3, maxLength: 3 }),
    )
    .map(([fields, values]) => {
      const body: Record<string, unknown> = { ...base };
      fields.forEach((field, i) => {
        if (values[i] === undefined) delete body[field];
        else body[field] = values[i];
      });
      return body;
    });

const connectionBody = fc.oneof(
  { weight: 4, arbitrary: mutated(validCreate) },
  { weight: 4, arbitrary: mutated(validPatch) },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.constant('Main'), anyValue),
        secret_key: anyValue,
        publishable_key: anyValue,
        account_id: fc.oneof(fc.constant('acct_1Habcdef'), anyValue),
        webhook_secret: anyValue,
        webhook_setup: fc.oneof(fc.constantFrom('manual', 'auto'), anyValue),
        features: fc.oneof(fc.subarray([...ALL_FEATURES]), anyValue),
        environment: anyValue,
        is_active: anyValue,
        mode: anyValue,
      },
      { requiredKeys: [] },
    ),
  },
  fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
  // Raw bodies that are not JSON at all, or not quite.
  fc
    .constantFrom('', '{', '{"name":', 'null', '[]', '"sk_test_x"', '{"name":"a",}', '\u0000', '{"__proto__":{"isAdmin":true}}')
    .map((raw) => ({ raw })),
);

const tenantBody = fc.oneof(
  fc.record({ name: anyValue, extra: anyValue }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', '{', 'null', '[1]').map((raw) => ({ raw })),
);

function safeEncode(segment: string): string {
  try {
    return encodeURIComponent(segment);
  } catch {
    return segment.replace(/[\ud800-\udfff]/g, '%ED%A0%80');
  }
}

/** Every row of every table, as one string: a 4xx must leave it unchanged. */
async function snapshot(h: TestHarness): Promise<string> {
  const tables = ['tenants', 'api_keys', 'connections', 'signing_secrets', 'settings'];
  const parts: string[] = [];
  for (const table of tables) {
    // An API key's last_used_at records that the key was presented, refused request or not; it is
    // bookkeeping about the caller, not a change the request made.
    const source =
      table === 'api_keys' ? sql`(select id, tenant_id, token_hash, hint, name, created_at, revoked_at from api_keys)` : sql.table(table);
    const result = await sql<{
      dump: string | null;
    }>`select md5(coalesce(string_agg(t::text, chr(10) order by t::text), '')) as dump from ${source} t`.execute(h.ctx.store.db);
    parts.push(`${table}:${result.rows[0]?.dump ?? '[]'}`);
  }
  return parts.join('\n');
}

interface Sent {
  method: string;
  path: string;
  body?: unknown;
  token?: string | null;
}

/** Sends one request and checks the contract every answer must keep. */
async function sendAndCheck(h: TestHarness, request: Sent, pasted: unknown[] = []): Promise<number> {
  const before = await snapshot(h);
  const body =
    request.body && typeof request.body === 'object' && 'raw' in request.body ? (request.body as { raw: string }).raw : request.body;
  const response = await h.api(request.method, request.path, body, request.token);
  const label = `${request.method} ${request.path.slice(0, 120)} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  expect(response.status, label).toBeLessThan(500);
  const text = JSON.stringify(response.body);
  for (const secret of secretsNeverShown()) expect(text, label).not.toContain(secret);
  if (response.status >= 400) {
    expect(response.body, label).toEqual({
      error: expect.objectContaining({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }),
    });
    expect(response.body.error.message.length, label).toBeGreaterThanOrEqual(15);
    for (const secret of allSecrets) expect(response.body.error.message, label).not.toContain(secret);
    if ('field' in response.body.error) expect(typeof response.body.error.field, label).toBe('string');
    // A pasted secret-looking value is never echoed back in an error.
    for (const value of pasted) {
      if (typeof value === 'string' && value.length >= 16 && /^(sk|rk)_/.test(value))
        expect(response.body.error.message, label).not.toContain(value);
    }
    expect(await snapshot(h), `${label}: a refused request changed the database`).toBe(before);
  } else {
    expect(response.body, label).toEqual(expect.any(Object));
  }
  return response.status;
}

describeEachStore(
  'API fuzz (tenants and connections)',
  (h) => {
    let tenantId = '';
    let otherTenantId = '';
    let connectionId = '';
    let victimId = '';
    let tenantKey = '';

    beforeAll(async () => {
      tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Fuzzed' })).body.id;
      otherTenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Neighbour' })).body.id;
      tenantKey = (await h().api('POST', `/api/v1/tenants/${otherTenantId}/api-keys`)).body.key;
      const body = {
        name: 'Main',
        secret_key: account.secret_key,
        publishable_key: account.publishable_key,
        webhook_secret: keys.signingSecret,
        webhook_setup: 'manual',
      };
      const first = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, body);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      connectionId = first.body.id;
      victimId = (await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, { ...body, name: 'Victim', environment: 'other' })).body
        .id;
      expect(victimId).toMatch(/^conn_/);
    });

    it('POST …/connections: random bodies never give a 5xx, and a refusal stores nothing', async () => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(connectionBody, async (body) => {
          const fields = body && typeof body === 'object' ? Object.values(body) : [];
          statuses.add(await sendAndCheck(h(), { method: 'POST', path: `/api/v1/tenants/${tenantId}/connections`, body }, fields));
        }),
        {
          numRuns: RUNS.create,
          examples: [
            [{ ...validCreate, name: 'Main\u0000' }],
            [{ ...validCreate, environment: 'stage\u0000' }],
            [{ ...validCreate, secret_key: `${keys.testSecret}\u0000` }],
          ],
        },
      );
      // The generators must reach the validation layers, not only the JSON parser.
      expect([...statuses]).toEqual(expect.arrayContaining([422]));
    });

    it('PATCH …/connections/{id}: random bodies never give a 5xx, and a refusal changes nothing', async () => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(connectionBody, async (body) => {
          const fields = body && typeof body === 'object' ? Object.values(body) : [];
          statuses.add(
            await sendAndCheck(h(), { method: 'PATCH', path: `/api/v1/tenants/${tenantId}/connections/${connectionId}`, body }, fields),
          );
        }),
        // A new signing secret next to a field the database refuses: the secret must not be stored either.
        { numRuns: RUNS.patch, examples: [[{ webhook_secret: keys.signingSecret2, name: 'x\u0000' }], [{ environment: '\u0000' }]] },
      );
      expect([...statuses]).toEqual(expect.arrayContaining([422]));
    });

    it('POST/GET /tenants: random bodies, limits and cursors never give a 5xx', async () => {
      const query = fc.dictionary(
        fc.constantFrom('limit', 'cursor', 'status', 'x', ''),
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          fc.integer({ min: -5, max: 500 }).map(String),
          fc.jsonValue({ maxDepth: 1 }).map((value) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url')),
          fc
            .record({ created_at: anyValue, id: anyValue }, { requiredKeys: [] })
            .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
        ),
        { maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            tenantBody.map((body) => ({ kind: 'create' as const, body })),
            query.map((q) => ({ kind: 'list' as const, q })),
          ),
          async (input) => {
            if (input.kind === 'create') {
              await sendAndCheck(h(), { method: 'POST', path: '/api/v1/tenants', body: input.body });
            } else {
              await sendAndCheck(h(), { method: 'GET', path: `/api/v1/tenants?${new URLSearchParams(input.q).toString()}` });
            }
          },
        ),
        {
          numRuns: RUNS.tenants,
          examples: [
            [{ kind: 'create', body: { name: 'Acme\u0000' } }],
            [{ kind: 'list', q: { cursor: Buffer.from('{"created_at":"yesterday","id":"x"}').toString('base64url') } }],
            [{ kind: 'list', q: { cursor: Buffer.from('{"created_at":{},"id":[1]}').toString('base64url') } }],
            [{ kind: 'list', q: { cursor: Buffer.from('{"created_at":"-271821-04-20T00:00:00Z","id":"x"}').toString('base64url') } }],
            [{ kind: 'list', q: { cursor: Buffer.from('{"created_at":"2024-01-01T00:00:00Z","id":"\\u0000"}').toString('base64url') } }],
          ],
        },
      );
    });

    it('any method on any tenant or connection path, with random ids, query and token, never gives a 5xx', async () => {
      const id = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(tenantId, otherTenantId, connectionId, victimId) },
        fc.constantFrom('ten_', 'conn_', 'ten_00000000000000000000', '..', '%00', 'ten_%00', '%', '%E0%A4%A', '%ED%A0%80', 'a%2Fb', '%20'),
        awkwardText.map(safeEncode),
        fc.string({ unit: 'binary', maxLength: 30 }).map(safeEncode),
        fc.string({ unit: 'grapheme', maxLength: 30 }).map(safeEncode),
        fc.tuple(fc.constantFrom('ten_', 'conn_', 'acct_', 'we_'), alnum).map(([prefix, rest]) => prefix + rest),
        fc.integer({ min: 300, max: 20_000 }).map((n) => 'c'.repeat(n)),
      );
      const route = fc.oneof(
        fc.tuple(id).map(([t]) => `/api/v1/tenants/${t}`),
        fc.tuple(id).map(([t]) => `/api/v1/tenants/${t}/api-keys`),
        fc.tuple(id).map(([t]) => `/api/v1/tenants/${t}/connections`),
        fc.tuple(id, id).map(([t, c]) => `/api/v1/tenants/${t}/connections/${c}`),
        fc.tuple(id).map(([c]) => `/api/v1/tenants/${tenantId}/connections/${c}`),
      );
      const query = fc.option(
        fc
          .dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 12 }), { maxKeys: 3 })
          .map((q) => `?${new URLSearchParams(q).toString()}`),
        { nil: '' },
      );
      const token = fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        fc.constant(null),
        fc.constant(tenantKey),
        fc.constantFrom('pb_key_wrong', 'pb_admin_', keys.testSecret, 'x'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
          route,
          query,
          fc.option(connectionBody, { nil: undefined }),
          token,
          async (method, path, q, body, auth) => {
            const withBody = method === 'GET' ? undefined : body;
            const fields = withBody && typeof withBody === 'object' ? Object.values(withBody) : [];
            await sendAndCheck(h(), { method, path: path + q, body: withBody, token: auth }, fields);
          },
        ),
        {
          numRuns: RUNS.anyRoute,
          examples: [
            ['GET', '/api/v1/tenants/%00', '', undefined, undefined],
            ['DELETE', '/api/v1/tenants/ten_%00/connections/conn_x', '', undefined, undefined],
            ['GET', `/api/v1/tenants/${tenantId}/connections/conn_%00`, '', undefined, undefined],
            ['POST', `/api/v1/tenants/${tenantId}%00/api-keys`, '', undefined, undefined],
          ],
        },
      );
    });
  },
  // Filled in by the file's beforeAll (the sandbox's port), read when each store's harness starts.
  env,
);
