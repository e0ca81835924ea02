import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** `auto`: readable lines on a terminal, JSON lines otherwise (files, log collectors, pipes). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export function resolveLogFormat(format: LogFormat, stdoutIsTerminal: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTerminal ? 'pretty' : 'json';
  return format;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; format?: 'json' | 'pretty' } = {}): Logger {
  // Pretty lines are made from the JSON line after the scrub below, so redaction holds in both formats.
  const destination =
    options.format === 'pretty'
      ? pretty({
          destination: options.destination ?? 1,
          sync: true,
          colorize: false,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname',
        })
      : options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        streamWrite: scrubSecrets,
      },
    },
    destination,
  );
}

export type { Logger };
