import http from 'node:http';
import https from 'node:https';

export interface PostResult {
  status: number | null;
  error: string | null;
  body: string;
}

/**
 * One webhook POST without connection reuse (agent: false), so a receiver closing between
 * attempts never sees a stale keep-alive socket, and a timeout counts as a failed attempt.
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ status: null, error: `invalid URL ${url}`, body: '' });
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(
      target,
      { method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          // Stripe keeps only the start of a response body; so does the sandbox.
          if (chunks.length < 16) chunks.push(chunk);
        });
        res.on('end', () =>
          finish({ status: res.statusCode ?? null, error: null, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }),
        );
        res.on('error', (error) => finish({ status: res.statusCode ?? null, error: error.message, body: '' }));
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    });
    req.on('error', (error) => finish({ status: null, error: error.message, body: '' }));
    req.end(body);
  });
}
