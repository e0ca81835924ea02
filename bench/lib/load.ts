import autocannon from 'autocannon';

export interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  /** Requests answered 2xx. */
  acked: number;
  /** Ids of the events answered 2xx, for the stored-exactly-once check. */
  ackedIds: string[];
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** A few non-2xx answers, to say why. */
  samples: string[];
}

/**
 * Drives `url + path` with fresh signed deliveries from `next()` over `connections` keep-alive
 * connections (autocannon, one request in flight per connection so each answer maps to its event).
 * Either for `seconds` or at a fixed `rate` (requests/s across all connections).
 */
export async function runLoad(options: {
  url: string;
  path: string | (() => string);
  connections: number;
  seconds: number;
  rate?: number;
  next: () => Delivery;
  onAck?: (id: string, at: number) => void;
}): Promise<LoadResult> {
  const ackedIds: string[] = [];
  const samples: string[] = [];
  let non2xx = 0;
  const path = typeof options.path === 'string' ? options.path : options.path();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    overallRate: options.rate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
          const delivery = options.next();
          context.id = delivery.id;
          return { ...request, body: delivery.body, headers: delivery.headers };
        },
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          if (status >= 200 && status < 300) {
            ackedIds.push(String(context.id));
            options.onAck?.(String(context.id), performance.now());
          } else {
            non2xx += 1;
            if (samples.length < 5) samples.push(`${status} ${String(body).slice(0, 200)}`);
          }
        },
      },
    ],
  });
  const seconds = result.duration;
  return {
    acked: ackedIds.length,
    ackedIds,
    non2xx,
    errors: result.errors + result.timeouts,
    seconds,
    perSecond: ackedIds.length / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    samples,
  };
}
