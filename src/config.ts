import proxyAddr from 'proxy-addr';
import { z } from 'zod';

const splitList = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = (hint: string) =>
  z
    .string()
    .url({ message: `must be a URL, ${hint}` })
    .optional();

/** A master key as base64 text (PAYBRIDGE_MASTER_KEY, and the next one for `keys rotate-master`). */
const masterKey = z
  .string()
  // Node's base64 decoder skips characters outside the alphabet, so "32 bytes after decoding" let
  // typos and pasted junk through: the text itself must be canonical base64 of 32 bytes.
  .regex(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'must be 32 random bytes in base64 (44 characters ending in =); create one with: openssl rand -base64 32',
    abort: true,
  })
  .refine((value) => new Set(Buffer.from(value, 'base64')).size >= 12, {
    message: 'is not random (too few distinct bytes, such as 32 zero bytes); create one with: openssl rand -base64 32',
  });

/**
 * Every setting Paybridge reads, in one schema. Nothing else in the code reads `process.env`:
 * the parsed result is frozen and handed down, so a test can build any configuration it needs.
 */
const configSchema = z.object({
  PAYBRIDGE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/paybridge')
    .optional(),
  PAYBRIDGE_DATA_DIR: z.string().min(1).default('./data'),
  PAYBRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  PAYBRIDGE_PORT: port.default(8080),
  PAYBRIDGE_PUBLIC_URL: z
    .string()
    .url({ message: 'must be the public base URL Stripe can reach, such as https://pay.example.com' })
    .default('http://localhost:8080')
    .transform((url) => url.replace(/\/+$/, '')),
  PAYBRIDGE_MASTER_KEY: masterKey.optional(),
  /** The key `keys rotate-master` moves to; read from the environment so it never sits on a command line. */
  PAYBRIDGE_NEW_MASTER_KEY: masterKey.optional(),
  PAYBRIDGE_ADMIN_TOKEN: z
    .string()
    .min(24, { message: 'must be at least 24 characters; create one with: openssl rand -hex 24', abort: true })
    .refine((value) => new Set(value).size >= 10, {
      message: 'is too easy to guess (fewer than 10 distinct characters, such as 24 × "a"); create one with: openssl rand -hex 24',
    })
    .optional(),
  PAYBRIDGE_STRIPE_API_BASE: optionalUrl('for the sandbox http://127.0.0.1:12111; leave unset for Stripe itself'),
  PAYBRIDGE_SMTP_URL: optionalUrl('such as smtp://user:pass@127.0.0.1:2525; leave unset to capture mail in the dashboard'),
  PAYBRIDGE_MAIL_FROM: z.string().min(3).default('Paybridge <billing@localhost>'),
  PAYBRIDGE_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  PAYBRIDGE_WEB_PROCESSES: z.coerce
    .number({ message: 'must be a whole number of web processes from 1 to 64, such as 2' })
    .int('must be a whole number of web processes from 1 to 64, such as 2')
    .min(1, 'must be at least 1 (1 serves from this process alone)')
    .max(64, 'must be at most 64 (one per core is the useful most)')
    .default(1),
  PAYBRIDGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAYBRIDGE_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  PAYBRIDGE_SECRET_OVERLAP_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  PAYBRIDGE_DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  PAYBRIDGE_INGEST_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(4),
  PAYBRIDGE_API_RATE_PER_KEY: z.coerce.number().int().min(1, 'must be at least 1 request per second').default(25),
  PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT: z.coerce.number().int().min(1, 'must allow at least 1 connection').default(1000),
  PAYBRIDGE_API_CONCURRENCY_PER_KEY: z.coerce.number().int().min(1, 'must allow at least 1 request at a time').default(4),
  PAYBRIDGE_CHECK_RATE_PER_KEY: z.coerce.number().int().min(1, 'must be at least 1 check per second').default(20_000),
  PAYBRIDGE_CHECK_CONCURRENCY_PER_KEY: z.coerce.number().int().min(1, 'must allow at least 1 check at a time').default(128),
  PAYBRIDGE_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine(
      (value) => {
        try {
          proxyAddr.compile(splitList(value));
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a comma-separated list of proxy IP addresses or CIDR ranges, such as 10.0.0.0/8,127.0.0.1 (or loopback)' },
    ),
  PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024),
  PAYBRIDGE_PAYMENT_REQUEST_STALL_MINUTES: z.coerce
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1 minute')
    .max(60 * 24 * 30)
    .default(60),
  PAYBRIDGE_EVENT_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a whole number of days, such as 90' })
    .int('must be a whole number of days, such as 90')
    .min(1, 'must be at least 1 day (duplicates stay refused for 35 days whatever this says)')
    .max(36500, 'must be at most 36500 days (100 years)')
    .default(90),
  PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: z
    .enum(['true', 'false'], { message: 'must be true or false (true only for tests and local development)' })
    .default('false'),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly masterKey: string | undefined;
  /** The key `keys rotate-master` moves to, when given in the environment. */
  readonly newMasterKey: string | undefined;
  readonly adminToken: string | undefined;
  readonly stripeApiBase: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly role: 'all' | 'web' | 'worker';
  /** Processes serving HTTP on one port (node:cluster); more than 1 needs role web or all and PAYBRIDGE_DATABASE_URL. */
  readonly webProcesses: number;
  readonly logLevel: RawConfig['PAYBRIDGE_LOG_LEVEL'];
  readonly logFormat: RawConfig['PAYBRIDGE_LOG_FORMAT'];
  readonly secretOverlapMs: number;
  readonly webhookBodyLimitBytes: number;
  readonly databasePoolSize: number;
  /** Connections kept for the webhook receiver alone (PostgreSQL), besides databasePoolSize. */
  readonly ingestPoolSize: number;
  /** Requests per second one API key (or the admin token) may make; past it, 429 with Retry-After. */
  readonly apiRatePerKey: number;
  /** Requests one API key may have in flight at once; past it, 429 with Retry-After. */
  readonly apiConcurrencyPerKey: number;
  /** Entitlement checks per second one key may make (a class of their own: cheap indexed reads). */
  readonly checkRatePerKey: number;
  /** Entitlement checks one key may have in flight at once. */
  readonly checkConcurrencyPerKey: number;
  /** Live connections one tenant may hold: each costs a backfill slot and a webhook endpoint. */
  readonly maxConnectionsPerTenant: number;
  /** Proxies whose X-Forwarded-For is believed when finding a client's address (sign-in limits). */
  readonly trustedProxies: string[];
  /** A payment request without a final state this long after creation emits `payment_request.stalled` once. */
  readonly paymentRequestStallMs: number;
  /** Stored events (payloads and attempts) are dropped by month once older than this many days. */
  readonly eventRetentionDays: number;
  /** Outbound webhooks may use http and reach loopback/private addresses (tests and local development only). */
  readonly outboundAllowPrivate: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Paybridge cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once; throws a ConfigError that lists every bad variable, not just the first.
 * `overrides` are command-line options (`serve --web-processes 2`) standing in for their variable, so
 * they go through the same checks and win over the environment.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Record<string, string | undefined> = {},
): Config {
  const relevant = Object.fromEntries(
    [...Object.entries(env), ...Object.entries(overrides).filter(([, value]) => value !== undefined)].filter(
      ([name, value]) => name.startsWith('PAYBRIDGE_') && value !== '',
    ),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const raw = parsed.data;
  return Object.freeze({
    databaseUrl: raw.PAYBRIDGE_DATABASE_URL,
    dataDir: raw.PAYBRIDGE_DATA_DIR,
    host: raw.PAYBRIDGE_HOST,
    port: raw.PAYBRIDGE_PORT,
    publicUrl: raw.PAYBRIDGE_PUBLIC_URL,
    masterKey: raw.PAYBRIDGE_MASTER_KEY,
    newMasterKey: raw.PAYBRIDGE_NEW_MASTER_KEY,
    adminToken: raw.PAYBRIDGE_ADMIN_TOKEN,
    stripeApiBase: raw.PAYBRIDGE_STRIPE_API_BASE?.replace(/\/+$/, ''),
    smtpUrl: raw.PAYBRIDGE_SMTP_URL,
    mailFrom: raw.PAYBRIDGE_MAIL_FROM,
    role: raw.PAYBRIDGE_ROLE,
    webProcesses: raw.PAYBRIDGE_WEB_PROCESSES,
    logLevel: raw.PAYBRIDGE_LOG_LEVEL,
    logFormat: raw.PAYBRIDGE_LOG_FORMAT,
    secretOverlapMs: raw.PAYBRIDGE_SECRET_OVERLAP_HOURS * 3_600_000,
    webhookBodyLimitBytes: raw.PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES,
    databasePoolSize: raw.PAYBRIDGE_DATABASE_POOL_SIZE,
    ingestPoolSize: raw.PAYBRIDGE_INGEST_POOL_SIZE,
    apiRatePerKey: raw.PAYBRIDGE_API_RATE_PER_KEY,
    apiConcurrencyPerKey: raw.PAYBRIDGE_API_CONCURRENCY_PER_KEY,
    checkRatePerKey: raw.PAYBRIDGE_CHECK_RATE_PER_KEY,
    checkConcurrencyPerKey: raw.PAYBRIDGE_CHECK_CONCURRENCY_PER_KEY,
    maxConnectionsPerTenant: raw.PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT,
    trustedProxies: splitList(raw.PAYBRIDGE_TRUSTED_PROXIES),
    paymentRequestStallMs: raw.PAYBRIDGE_PAYMENT_REQUEST_STALL_MINUTES * 60_000,
    outboundAllowPrivate: raw.PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE === 'true',
    eventRetentionDays: raw.PAYBRIDGE_EVENT_RETENTION_DAYS,
  });
}
