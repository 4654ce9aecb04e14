import http from 'node:http';

export interface LoadResult {
  requests: number;
  failures: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  statuses: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends `bodyFor(i)` as POSTs over keep-alive connections, `concurrency` at a time, for `seconds`. */
export async function postLoad(url: string, bodyFor: (i: number) => string, concurrency: number, seconds: number, headers: Record<string, string> = {}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failures = 0;
  let issued = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  const one = (body: string) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        { agent, method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname + target.search, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(body);
    });
  const worker = async () => {
    while (Date.now() < deadline) {
      const body = bodyFor(issued++);
      const t0 = process.hrtime.bigint();
      const status = await one(body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    seconds: elapsed,
    requestsPerSecond: latencies.length / elapsed,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    statuses,
  };
}
