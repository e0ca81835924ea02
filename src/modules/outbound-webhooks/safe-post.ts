import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from './address-guard';

/** The delivery log keeps at most this much of a response body. */
export const RESPONSE_BODY_LIMIT = 1024;
/** Read past the kept kilobyte only this far, to reuse the connection; a longer body closes it. */
const DRAIN_LIMIT = 64 * 1024;

export const SEND_TIMEOUT_MS = 15_000;

export interface PostResult {
  /** null when no HTTP answer came (refused address, connection error, timeout). */
  statusCode: number | null;
  /** First kilobyte of the answer's body, as text. */
  body: string | null;
  ms: number;
  /** Seconds from a Retry-After header, when the answer had a usable one. */
  retryAfterSeconds: number | null;
  /** Why no usable answer came: `forbidden_address: …`, `timeout`, `connection: …`. */
  error: string | null;
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: permits http and loopback/private addresses (tests, local development). */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Name resolution; DNS by default (tests pass one that answers as a rebinding attacker would). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  signal?: AbortSignal;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 128 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 128 }),
};

class RefusedAddress extends Error {}

/** Why a URL can never be sent to under the current setting, or undefined when it may be tried. */
export function urlProblem(url: URL, allowPrivate: boolean): string | undefined {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'the URL must use https';
  if (url.username || url.password) return 'the URL must not carry a user name or password';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host))
    return `${host} is a loopback, private, link-local or metadata address`;
  return undefined;
}

/**
 * POSTs a webhook without ever reaching a forbidden address: the host is resolved once, every
 * address is checked, and the socket connects to the checked address (Node's `lookup` hook), so a
 * DNS answer that changes between check and connect (rebinding) cannot slip through. Redirects are
 * never followed: a 3xx is returned like any other answer. Never throws.
 */
export async function safePost(target: string, options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): PostResult => ({ statusCode: null, body: null, ms: elapsed(), retryAfterSeconds: null, error });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return failed('invalid_url');
  }
  const problem = urlProblem(url, options.allowPrivate);
  if (problem) return failed(`forbidden_address: ${problem}`);
  const resolve = options.resolve ?? ((hostname: string) => dnsLookupAll(hostname));
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = options.allowPrivate ? undefined : addresses.find((entry) => isForbiddenAddress(entry.address));
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 4);
        if (refused)
          return callback(
            new RefusedAddress(`${hostname} resolves to ${refused.address}, a loopback, private, link-local or metadata address`),
            '',
            4,
          );
        if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };

  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolvePromise) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolvePromise(result);
    };
    const request = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...options.headers, 'content-length': Buffer.byteLength(options.body).toString() },
        agent: url.protocol === 'https:' ? agents.https : agents.http,
        lookup,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (kept < RESPONSE_BODY_LIMIT) {
            chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - kept));
            kept += Math.min(chunk.length, RESPONSE_BODY_LIMIT - kept);
          }
          if (read > DRAIN_LIMIT) response.destroy();
        });
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: elapsed(),
            retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
            error: null,
          });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish(failed('timeout'));
    }, options.timeoutMs ?? SEND_TIMEOUT_MS);
    const onAbort = () => {
      request.destroy();
      finish(failed('aborted'));
    };
    options.signal?.addEventListener('abort', onAbort);
    request.on('error', (error) => {
      if (error instanceof RefusedAddress) finish(failed(`forbidden_address: ${error.message}`));
      else finish(failed(`connection: ${error.message}`));
    });
    request.end(options.body);
  });
}

function dnsLookupAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/** Retry-After in seconds (a number, or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
