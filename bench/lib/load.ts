import autocannon from 'autocannon';

// autocannon's programmatic API, bounded in time, reduced to the numbers the figures use.

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec?: number;
  /** Stop after this many requests instead of a duration. */
  amount?: number;
  method?: 'GET' | 'POST' | 'PUT';
  body?: Buffer | string;
  headers?: Record<string, string>;
  pipelining?: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    pipelining: opts.pipelining ?? 1,
    method: opts.method ?? 'GET',
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationSec ?? 5 }),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    headers: opts.headers ?? {},
    timeout: 10,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
  };
}
