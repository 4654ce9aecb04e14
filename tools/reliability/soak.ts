// `npm run test:soak` (node dist/tools/reliability/soak.js [--rate 400] [--duration 300] …):
// sustained ingest at a fixed rate into POST /api/events of a local host running as a separate
// process, sampling every few seconds
//   - the consumer lag of both Event Hub triggers: Σ over partitions of (last enqueued sequence
//     number − the checkpoint in the azure-webjobs-eventhub container);
//   - the resident memory (VmRSS; VmHWM for the peak) of the host and of each child service.
// Passes when every event was acknowledged, the lag does not grow (its least-squares slope after
// the warm-up stays under --max-lag-growth % of the ingest rate, and it drains once ingest stops),
// and the host's memory is bounded (RSS at the end at most --max-rss-growth % above the RSS after
// the warm-up). Prints a summary and, last, one JSON line; exits 1 when a criterion fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command, flag, nonNegativeInteger, nonNegativeNumber, option, positiveNumber, runCommand, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer, pollProgress } from '../cli/progress';
import { streamBatches, StreamOptions } from './eventStream';
import { AtLeastOnceSender, hostKeyHeader } from './sender';
import { HostProcess, freePorts, connectionStrings, ServiceKind } from './localHostProcess';
import { LagProbe } from './pipelineProbe';

const SOAK_COMMAND = command({
  usage: 'npm run test:soak [-- options]   (node dist/tools/reliability/soak.js [options])',
  summary: 'Sustained ingest into a local host while sampling the consumer lag and the memory of\nthe host and its services (docs/RELIABILITY.md).',
  options: {
    rate: option('events/s sent (the machine must sustain it: see docs/RELIABILITY.md)', positiveNumber, { default: 400 }),
    duration: option('seconds of sustained ingest', nonNegativeNumber, { default: 300 }),
    'sample-every': option('seconds between samples', nonNegativeNumber, { default: 5 }),
    warmup: option('seconds at the start left out of the trends', nonNegativeNumber, { default: 30 }),
    concurrency: option('requests in flight', nonNegativeInteger, { default: 8 }),
    batch: option('events per request', nonNegativeInteger, { default: 50 }),
    users: option('distinct users', nonNegativeInteger, { default: 2000 }),
    'max-lag-growth': option('largest allowed lag slope, in % of the ingest rate', nonNegativeNumber, { default: 2 }),
    'max-rss-growth': option('largest allowed growth of the host RSS from the end of the warm-up to the end, in %', nonNegativeNumber, { default: 50 }),
    'drain-timeout': option('seconds allowed for the lag to reach 0 after ingest stops', nonNegativeNumber, { default: 120 }),
    'data-dir': option('data folder', text, { placeholder: '<dir>', defaultText: 'a new temp folder' }),
    keep: flag('keep the data folder'),
  },
  notes: 'Prints a summary and, last, one JSON line; exit 1 when a criterion fails, 2 on a usage error.',
});

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

const GROUPS = ['archive', 'aggregate'];

interface Sample {
  t: number;
  acked: number;
  lag: Record<string, number>;
  enqueued: number;
  rss: Partial<Record<'host' | ServiceKind, number>>;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Ingest progress on stderr; the samples on stdout, above the bar on a terminal. */
const progress = createProgressRenderer(process.stderr, Date.now, { plainCountEvery: 10_000 });

function say(line: string): void {
  progress.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`, process.stdout);
}

async function main(args: OptionValues<typeof SOAK_COMMAND.options>): Promise<number> {
  const dataDir = args['data-dir'] ? path.resolve(args['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const ports = await freePorts();
  const conn = connectionStrings(ports);
  const host = new HostProcess({ dataDir: path.join(dataDir, 'runtime'), ports, logFile: path.join(dataDir, 'host.log') });
  const total = Math.round(args.rate * args.duration);
  const startedAt = Date.now();
  const streamOpts: StreamOptions = {
    tag: `soak${startedAt}`, users: args.users, batchSize: args.batch,
    // Event time spread over the last hour, like live traffic.
    baseTimeMs: startedAt - 3600_000, spacingMs: 3600_000 / Math.max(1, total),
  };
  const sender = new AtLeastOnceSender(total, {
    // The stream holds purchases, which only the keyed route takes (the browser route refuses them).
    url: `http://127.0.0.1:${ports.http}/api/events/server`, headers: hostKeyHeader(path.join(dataDir, 'runtime')), concurrency: args.concurrency, rate: args.rate, timeoutMs: 30_000, keepLatencies: true,
  });
  const samples: Sample[] = [];
  const peaks: Partial<Record<'host' | ServiceKind, number>> = {};
  let summary: Record<string, unknown> = {};
  let ok = false;
  let probe: LagProbe | undefined;
  say(`data in ${dataDir}; ${args.rate} events/s for ${args.duration} s (${total} events), samples every ${args['sample-every']} s`);
  try {
    await host.start();
    say(`host up (pid ${host.pid}; services ${host.services.map((s) => `${s.kind}:${s.pid}`).join(', ')})`);
    probe = new LagProbe(conn.eventHubs, 'events', conn.blob, GROUPS);
    const sendStarted = Date.now();
    let sending = true;
    const stopProgress = pollProgress(progress, () => ({ step: 'send', done: sender.ackedCount, total }), 1_000);
    const sent = sender.run(streamBatches(total, streamOpts)).finally(() => {
      sending = false;
      stopProgress();
      progress.end();
    });
    const sampleOnce = async () => {
      const mem = host.memory();
      const rss: Sample['rss'] = {};
      if (mem.host) {
        rss.host = mem.host.rss;
        peaks.host = Math.max(peaks.host ?? 0, mem.host.peak);
      }
      for (const [kind, m] of Object.entries(mem.services) as [ServiceKind, { rss: number; peak: number }][]) {
        rss[kind] = m.rss;
        peaks[kind] = Math.max(peaks[kind] ?? 0, m.peak);
      }
      try {
        const s = await probe!.sample(10_000);
        samples.push({ t: (Date.now() - sendStarted) / 1000, acked: sender.ackedCount, lag: s.lag, enqueued: s.enqueued, rss });
        const last = samples[samples.length - 1];
        say(`t=${last.t.toFixed(0)}s acked ${last.acked} lag ${JSON.stringify(last.lag)} rss ${Object.entries(rss).map(([k, v]) => `${k}:${mb(v ?? 0)}MB`).join(' ')}`);
      } catch (error) {
        say(`sample failed: ${(error as Error).message}`);
      }
    };
    while (sending) {
      const next = Date.now() + args['sample-every'] * 1000;
      await sampleOnce();
      const wait = next - Date.now();
      if (wait > 0) await Promise.race([new Promise((r) => setTimeout(r, wait)), sent]);
    }
    await sent;
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    // After ingest: how long until both consumers have caught up.
    const drainStarted = Date.now();
    let drained = false;
    while (Date.now() - drainStarted < args['drain-timeout'] * 1000) {
      await sampleOnce();
      const last = samples[samples.length - 1];
      // Every acknowledged request is in the hub by now (a 202 follows the hub's acknowledgement),
      // and the hub counts messages, not events (a request's events of one user are one message).
      if (last && GROUPS.every((g) => last.lag[g] === 0)) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;

    // Trends over the ingest period after the warm-up.
    const steady = samples.filter((s) => s.t >= args.warmup && s.t <= sendSeconds);
    const lagTrend: Record<string, { first: number; last: number; max: number; slopePerMin: number; slopePctOfRate: number }> = {};
    for (const g of GROUPS) {
      const series = steady.map((s) => [s.t / 60, s.lag[g]] as [number, number]);
      const values = series.map((p) => p[1]);
      const perMin = slope(series);
      lagTrend[g] = {
        first: values[0] ?? 0,
        last: values[values.length - 1] ?? 0,
        max: Math.max(0, ...values),
        slopePerMin: Math.round(perMin),
        slopePctOfRate: Number(((perMin / 60 / args.rate) * 100).toFixed(2)),
      };
    }
    const hostRss = steady.map((s) => s.rss.host ?? 0).filter((v) => v > 0);
    const rssGrowthPct = hostRss.length >= 2 ? ((hostRss[hostRss.length - 1] - hostRss[0]) / hostRss[0]) * 100 : 0;
    const latencies = [...sender.stats.latenciesMs].sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
    const failures: string[] = [];
    if (sender.ackedCount !== total) failures.push(`${total - sender.ackedCount} events not acknowledged`);
    if (sender.stats.refused.length > 0) failures.push(`${sender.stats.refused.length} requests refused, e.g. ${JSON.stringify(sender.stats.refused[0])}`);
    const achievedRate = sender.ackedCount / sendSeconds;
    if (achievedRate < args.rate * 0.95) failures.push(`ingest reached only ${achievedRate.toFixed(0)} events/s of ${args.rate}: the host did not keep up with the requests`);
    for (const g of GROUPS) {
      if (lagTrend[g].slopePctOfRate > args['max-lag-growth']) failures.push(`${g} lag grows by ${lagTrend[g].slopePerMin} messages/min (${lagTrend[g].slopePctOfRate}% of the rate)`);
    }
    if (!drained) failures.push(`the lag did not reach 0 within ${args['drain-timeout']} s after ingest stopped`);
    if (rssGrowthPct > args['max-rss-growth']) failures.push(`host RSS grew ${rssGrowthPct.toFixed(0)}% after the warm-up`);
    ok = failures.length === 0;
    const rssSeries = (k: 'host' | ServiceKind) => steady.map((s) => s.rss[k] ?? 0).filter((v) => v > 0);
    summary = {
      test: 'soak',
      ok,
      rate: args.rate,
      achievedRate: Math.round(achievedRate),
      durationSeconds: Math.round(sendSeconds),
      events: total,
      acknowledged: sender.ackedCount,
      requestLatencyMs: { p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1] ?? 0 },
      statuses: sender.stats.statuses,
      samples: samples.length,
      lag: lagTrend,
      drainSeconds: Math.round(drainSeconds),
      peakRssMB: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, mb(v ?? 0)])),
      peakRssTotalMB: mb(Object.values(peaks).reduce((a: number, b) => a + (b ?? 0), 0)),
      rssMB: Object.fromEntries((['host', 'blob', 'cosmos', 'eventHubs'] as const).map((k) => {
        const s = rssSeries(k);
        return [k, { afterWarmup: mb(s[0] ?? 0), end: mb(s[s.length - 1] ?? 0), slopeMBPerMin: Number((slope(steady.filter((x) => x.rss[k]).map((x) => [x.t / 60, (x.rss[k] ?? 0) / 1048576])) || 0).toFixed(2)) }];
      })),
      hostRssGrowthPct: Number(rssGrowthPct.toFixed(1)),
      failures,
      dataDir,
    };
  } catch (error) {
    summary = { test: 'soak', ok: false, error: (error as Error)?.stack ?? String(error), dataDir };
  } finally {
    sender.close();
    await probe?.close().catch(() => {});
    await host.stop().catch(() => host.killGroup());
    host.close();
  }
  console.log('');
  console.log(`soak: ${ok ? 'PASS' : 'FAIL'}`);
  for (const [k, v] of Object.entries(summary)) if (k !== 'failures') console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  for (const f of (summary.failures as string[] | undefined) ?? []) console.log(`  FAILURE: ${f}`);
  if (ok && !args.keep && !args['data-dir']) fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log(`  data and host log kept in ${dataDir}`);
  console.log(JSON.stringify(summary));
  return ok ? 0 : 1;
}

if (require.main === module) {
  void runCommand(SOAK_COMMAND, async (args) => {
    try {
      return await main(args);
    } catch (error) {
      // The last line is JSON whatever happens.
      console.log(JSON.stringify({ test: 'soak', ok: false, error: String(error) }));
      throw error;
    }
  });
}
