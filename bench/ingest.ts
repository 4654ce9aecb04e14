// Events/s through POST /api/events (batches of 50) on the local host, next to a bare node:http
// server that only parses the JSON, measured in the same run. Target: ≥ 50% of the bare figure.
// The host side includes everything a request does (validation, Event Hubs send to the emulator).
import http from 'node:http';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { startLocalRuntime } from '../tools/local/localRuntime';
import { silentLogger } from '../tools/local/host/hostLogger';
import { postLoad, type LoadResult } from './support/httpLoad';
import { positional, positiveInteger, positiveNumber } from '../tools/cli/commandLine';

const BATCH = 50;
const TYPES = ['page_view', 'product_view', 'add_to_cart', 'offer_view', 'offer_click'] as const;

function batchBody(i: number): string {
  const user = `user-${i % 10_000}`;
  const events = Array.from({ length: BATCH }, (_, j) => {
    const type = TYPES[(i + j) % TYPES.length];
    return {
      id: `e-${i}-${j}`,
      type,
      userId: user,
      productId: `p-${(i * 7 + j) % 500}`,
      offerId: `o-${(i + j) % 50}`,
      category: `c-${j % 20}`,
      context: { device: 'mobile', page: '/products/p-1', channel: 'web', locale: 'en-GB' },
    };
  });
  return JSON.stringify(events);
}

async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: events.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const seconds = positional(args, 0, 'seconds', positiveNumber, 15);
  const concurrency = positional(args, 1, 'concurrency', positiveInteger, 16);
  // Bodies are made up front so the load generator (same process) costs both sides the same.
  const bodies = Array.from({ length: 2000 }, (_, i) => batchBody(i));
  const bodyFor = (i: number) => bodies[i % bodies.length];

  // The bare server runs first, before the local runtime and its background processing exist.
  const bare = await bareServer();
  await postLoad(bare.url, bodyFor, concurrency, 2);
  const baseline = await postLoad(bare.url, bodyFor, concurrency, seconds);
  await bare.close();

  // In Azure the capture endpoint and the Event Hub triggers scale out separately; here they share
  // two cores. The headline figure pauses the triggers (AzureWebJobs.<name>.Disabled) so it
  // measures the capture path; the second run keeps them consuming the same stream.
  const paused = await measureHost(bodyFor, concurrency, seconds, {
    'AzureWebJobs.aggregateEvents.Disabled': 'true',
    'AzureWebJobs.archiveEvents.Disabled': 'true',
  });
  const withConsumers = await measureHost(bodyFor, concurrency, seconds, {});
  const hostEvents = paused.requestsPerSecond * BATCH;
  const bareEvents = baseline.requestsPerSecond * BATCH;
  console.log(`local host: ${hostEvents.toFixed(0)} events/s (p50 ${paused.latencyMs.p50.toFixed(1)} ms, p99 ${paused.latencyMs.p99.toFixed(1)} ms, statuses ${JSON.stringify(paused.statuses)})`);
  console.log(`local host, aggregation and archive consuming alongside: ${(withConsumers.requestsPerSecond * BATCH).toFixed(0)} events/s`);
  console.log(`bare node:http JSON.parse: ${bareEvents.toFixed(0)} events/s`);
  return {
    bench: 'ingest',
    batchSize: BATCH,
    concurrency,
    seconds,
    hostEventsPerSecond: Math.round(hostEvents),
    hostRequestFailures: paused.failures,
    hostLatencyMs: paused.latencyMs,
    hostEventsPerSecondWithConsumers: Math.round(withConsumers.requestsPerSecond * BATCH),
    hostRequestFailuresWithConsumers: withConsumers.failures,
    bareEventsPerSecond: Math.round(bareEvents),
    ratio: Number((hostEvents / bareEvents).toFixed(3)),
    target: '>= 0.5 of bare',
  };
}

async function measureHost(bodyFor: (i: number) => string, concurrency: number, seconds: number, overrides: Record<string, string>): Promise<LoadResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ingest-'));
  const runtime = await startLocalRuntime({
    appRoot: path.resolve(__dirname, '..', '..'),
    dataDir,
    ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
    logger: silentLogger,
    overrides,
  });
  try {
    const url = `${runtime.url}/api/events`;
    await postLoad(url, bodyFor, concurrency, 2); // warm-up
    return await postLoad(url, bodyFor, concurrency, seconds);
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
