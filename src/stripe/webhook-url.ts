import { isIP } from 'node:net';
import { AppError } from '../errors';
import type { Mode } from './key-rules';

function privateIpv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

function privateIpv6(ip: string): boolean {
  const lower = ip.toLowerCase();
  if (lower === '::1' || lower === '::') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return privateIpv4(mapped[1]!);
  return /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** Why Stripe could not deliver to `url`, or null when it looks reachable from the internet. */
export function unreachableReason(url: string, mode: Mode): string | null {
  const parsed = new URL(url);
  if (mode === 'live' && parsed.protocol !== 'https:')
    return 'live mode needs an https:// webhook URL (Stripe refuses http:// endpoints in live mode)';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ip = isIP(host);
  if (ip === 4 && privateIpv4(host)) return `${host} is a loopback or private address`;
  if (ip === 6 && privateIpv6(host)) return `${host} is a loopback or private address`;
  if (ip === 0) {
    if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
    if (/\.(local|internal|lan|home|corp|intranet|test|example|invalid)$/.test(host)) return `${host} is a local domain`;
    if (!host.includes('.')) return `${host} is not a public domain name`;
  }
  return null;
}

/**
 * Auto setup registers PAYBRIDGE_PUBLIC_URL with Stripe, so Stripe must be able to reach it. With the
 * sandbox as API base, loopback URLs are fine (the sandbox delivers locally), but live mode still
 * needs https: Stripe (and the sandbox, like it) refuses http:// endpoints in live mode.
 */
export function requirePublicWebhookUrl(options: { url: string; publicUrl: string; mode: Mode; sandbox: boolean }): void {
  const reason = unreachableReason(options.url, options.mode);
  if (!reason) return;
  const httpInLive = reason.startsWith('live mode');
  if (options.sandbox && !httpInLive) return;
  throw new AppError({
    code: 'webhook_url_not_public',
    status: 422,
    field: 'webhook_setup',
    message:
      `Stripe cannot deliver webhooks to ${options.publicUrl}: ${reason}. ` +
      (httpInLive
        ? 'Set PAYBRIDGE_PUBLIC_URL to the https:// address Stripe can reach (behind a TLS proxy), '
        : 'Set PAYBRIDGE_PUBLIC_URL to an address Stripe can reach (a public domain or a tunnel), ') +
      'or connect with webhook_setup "manual": the response then shows the exact webhook_url and enabled_events to add in Stripe Dashboard → Developers → Webhooks → Add endpoint; paste the endpoint\'s signing secret (whsec_…) back as webhook_secret. Keys, permissions and catalog import work either way.',
  });
}
