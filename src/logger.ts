import pino, { type Logger } from 'pino';

/**
 * Secrets that must never reach a log line, recognised by shape. Field redaction below catches the
 * named places; this scrub is the net under it for a key that ends up inside a message or an error.
 */
const SECRET_PATTERN = /\b(sk|rk|pk)_(test|live)_[0-9A-Za-z]{6,}|\bwhsec_[0-9A-Za-z+/=]{6,}|\bpb_(admin|key)_[0-9A-Za-z_-]{8,}/g;

export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (match) => `${match.slice(0, match.indexOf('_') + 1)}[redacted]`);
}

const REDACTED_PATHS = [
  'secret_key',
  '*.secret_key',
  'webhook_secret',
  '*.webhook_secret',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["stripe-signature"]',
  'masterKey',
  '*.masterKey',
  'adminToken',
  '*.adminToken',
  'key',
  '*.key',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        streamWrite: scrubSecrets,
      },
    },
    options.destination,
  );
}

export type { Logger };
