// `npm run test:chaos` (node dist/tools/reliability/chaos.js [--events 100000] [--kills 10] …):
// sends a known stream of events to POST /api/events of a local host running as a separate
// process, while that host is SIGKILLed and restarted at random points, the Cosmos DB emulator is
// down for 30 s, the blob service is frozen for 30 s and the Event Hubs emulator is restarted.
// The client retries whatever failed or got no answer (at least once). Afterwards, once both
// consumer groups have caught up, it checks exactly:
//   1. the archive holds every sequence number of every partition (0..last enqueued, no gap);
//   2. every event id the service acknowledged is in the archive; nothing else is;
//   3. the Cosmos DB aggregates and profiles equal counters recomputed from the archive
//      (each archived event once: retried requests may put an event in the hub twice, and then
//      it counts twice; the pipeline's exactly-once starts at the Event Hub);
//   4. nothing was dead-lettered and the service refused no request of the stream.
// Prints a summary and, last, one JSON line; exits 1 on any mismatch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { BlobServiceClient } from '@azure/storage-blob';
import { command, flag, list, nonNegativeInteger, nonNegativeNumber, oneOf, option, runCommand, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer, pollProgress } from '../cli/progress';
import { prng, streamBatches, streamEvent, StreamOptions } from './eventStream';
import { AtLeastOnceSender, hostKeyHeader } from './sender';
import {
  HostProcess, freePorts, connectionStrings, respawnService, stopChild, waitFor, ServiceKind, isAlive,
} from './localHostProcess';
import {
  LagProbe, readArchiveContents, expectedAggregates, storedAggregates, diffCounters, countBlobs,
} from './pipelineProbe';

const FAULTS = ['kills', 'eventhubs', 'cosmos', 'blob'] as const;

const CHAOS_COMMAND = command({
  usage: 'npm run test:chaos [-- options]   (node dist/tools/reliability/chaos.js [options])',
  summary: 'Sends a known stream of events to a local host while it is killed and its services fail,\nthen checks the archive and the aggregates exactly (docs/RELIABILITY.md).',
  options: {
    events: option('events in the stream', nonNegativeInteger, { default: 100_000 }),
    kills: option('SIGKILLs of the host process', nonNegativeInteger, { default: 10 }),
    'group-kill-every': option('every n-th kill SIGKILLs the host and all its services at once (0: never)', nonNegativeInteger, { default: 3 }),
    'outage-seconds': option('how long Cosmos DB and Blob storage are down', nonNegativeNumber, { default: 30 }),
    rate: option('events/s the stream is paced at (slow enough that every fault happens mid-stream)', nonNegativeNumber, { default: 500 }),
    concurrency: option('requests in flight', nonNegativeInteger, { default: 8 }),
    batch: option('events per request', nonNegativeInteger, { default: 50 }),
    users: option('distinct users', nonNegativeInteger, { default: 400 }),
    seed: option('seed of the kill schedule', nonNegativeInteger, { default: 42 }),
    'min-uptime': option('seconds a host runs at least before it is killed', nonNegativeNumber, { default: 2 }),
    'max-uptime': option('seconds a host runs at most before it is killed', nonNegativeNumber, { default: 8 }),
    'timeout-ms': option('client request timeout', nonNegativeNumber, { default: 10_000 }),
    'drain-timeout': option('seconds to wait for the consumers to catch up', nonNegativeNumber, { default: 900 }),
    faults: option('the faults to inject, in this order', list(oneOf(FAULTS)), { default: [...FAULTS] }),
    'data-dir': option('data folder', text, { placeholder: '<dir>', defaultText: 'a new temp folder' }),
    keep: flag('keep the data folder'),
  },
  notes: 'Prints a summary and, last, one JSON line; exit 1 on any mismatch, 2 on a usage error.',
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WINDOWS = [60, 1440];
const HUB = 'events';
const GROUPS = ['archive', 'aggregate'];

interface ChaosStep {
  at: number;
  action: string;
  ackedBefore: number;
  /** Whether the stream was still being sent. */
  midStream: boolean;
  durationMs?: number;
}

/** The stream's progress on stderr; the log lines on stdout, above the bar on a terminal. */
const progress = createProgressRenderer(process.stderr, Date.now, { plainCountEvery: 10_000 });

function say(line: string): void {
  progress.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`, process.stdout);
}

async function main(args: OptionValues<typeof CHAOS_COMMAND.options>): Promise<number> {
  const order = args.faults;
  const faults = new Set<string>(order);
  const kills = faults.has('kills') ? args.kills : 0;
  const dataDir = args['data-dir'] ? path.resolve(args['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const ports = await freePorts();
  const conn = connectionStrings(ports);
  const logFile = path.join(dataDir, 'host.log');
  const host = new HostProcess({ dataDir: path.join(dataDir, 'runtime'), ports, logFile });
  const rnd = prng(args.seed);
  const startedAt = Date.now();
  const steps: ChaosStep[] = [];
  const respawned: ChildProcess[] = [];
  const tag = `chaos${args.seed}`;
  const streamOpts: StreamOptions = {
    tag, users: args.users, batchSize: args.batch,
    // Two hours of event time ending a minute ago: hourly and daily windows both get several documents.
    baseTimeMs: startedAt - 2 * 3600_000 - 60_000, spacingMs: (2 * 3600_000) / args.events,
  };
  say(`data in ${dataDir}; ports ${JSON.stringify(ports)}; ${args.events} events at ${args.rate}/s, ${args.kills} kills`);

  let summary: Record<string, unknown> = {};
  let ok = false;
  const sender = new AtLeastOnceSender(args.events, {
    // The stream holds purchases, which only the keyed route takes (the browser route refuses them).
    url: `http://127.0.0.1:${ports.http}/api/events/server`,
    headers: hostKeyHeader(path.join(dataDir, 'runtime')),
    concurrency: args.concurrency,
    rate: args.rate,
    timeoutMs: args['timeout-ms'],
  });
  try {
    let t0 = Date.now();
    await host.start();
    say(`host up in ${Date.now() - t0} ms (pid ${host.pid}; services ${host.services.map((s) => `${s.kind}:${s.pid}`).join(', ')})`);
    let sending = true;
    const stopProgress = pollProgress(progress, () => ({ step: 'send', done: sender.ackedCount, total: args.events }));
    const sent = sender.run(streamBatches(args.events, streamOpts)).finally(() => {
      sending = false;
      stopProgress();
      progress.end();
    });
    const step = (action: string, durationMs?: number) => {
      steps.push({ at: Date.now() - startedAt, action, ackedBefore: sender.ackedCount, midStream: sending, ...(durationMs !== undefined ? { durationMs } : {}) });
    };

    const service = (kind: ServiceKind) => {
      const s = host.services.find((x) => x.kind === kind);
      if (!s) throw new Error(`no ${kind} service under host ${host.pid}`);
      return s;
    };
    const outageMs = args['outage-seconds'] * 1000;
    const restartMs: number[] = [];
    const phases: Record<string, () => Promise<void>> = {
      // The host SIGKILLed at random points, restarted on the same data and ports.
      kills: async () => {
        for (let k = 1; k <= kills; k++) {
          const uptime = args['min-uptime'] + rnd() * (args['max-uptime'] - args['min-uptime']);
          await sleep(uptime * 1000);
          const group = args['group-kill-every'] > 0 && k % args['group-kill-every'] === 0;
          const acked = sender.ackedCount;
          if (group) await host.killGroup();
          else await host.kill();
          step(group ? 'SIGKILL host + services' : 'SIGKILL host');
          t0 = Date.now();
          await host.waitServicesGone();
          await host.start();
          restartMs.push(Date.now() - t0);
          step('host restarted', Date.now() - t0);
          say(`kill ${k}/${kills} (${group ? 'host and services' : 'host'}) after ${uptime.toFixed(1)} s at ${acked} acked; back in ${Date.now() - t0} ms${sending ? '' : ' (stream already sent)'}`);
        }
      },
      // The Event Hubs emulator killed and started again at once (capture gets errors meanwhile).
      eventhubs: async () => {
        await sleep(3_000);
        const eh = service('eventHubs');
        process.kill(eh.pid, 'SIGKILL');
        await waitFor('the Event Hubs emulator to exit', () => !isAlive(eh.pid), 10_000);
        step('Event Hubs emulator killed');
        t0 = Date.now();
        respawned.push(await respawnService(eh, ports.eventHubs, logFile));
        step('Event Hubs emulator back', Date.now() - t0);
        say(`Event Hubs emulator killed and restarted at ${sender.ackedCount} acked`);
      },
      // The Cosmos DB emulator killed, down for the outage, then started again on its data and port.
      cosmos: async () => {
        await sleep(3_000);
        const cosmos = service('cosmos');
        process.kill(cosmos.pid, 'SIGKILL');
        await waitFor('the Cosmos DB emulator to exit', () => !isAlive(cosmos.pid), 10_000);
        step('Cosmos DB emulator killed');
        say(`Cosmos DB emulator killed at ${sender.ackedCount} acked; down for ${args['outage-seconds']} s`);
        await sleep(outageMs);
        respawned.push(await respawnService(cosmos, ports.cosmos, logFile));
        step('Cosmos DB emulator back', outageMs);
        say(`Cosmos DB emulator back at ${sender.ackedCount} acked`);
      },
      // The blob service frozen (SIGSTOP: connections hang, nothing answers) for the outage.
      blob: async () => {
        await sleep(3_000);
        const blob = service('blob');
        process.kill(blob.pid, 'SIGSTOP');
        step('Blob service frozen');
        say(`Blob service frozen at ${sender.ackedCount} acked for ${args['outage-seconds']} s`);
        await sleep(outageMs);
        process.kill(blob.pid, 'SIGCONT');
        step('Blob service resumed', outageMs);
        say(`Blob service resumed at ${sender.ackedCount} acked`);
      },
    };
    for (const name of order) await phases[name]();

    if (sending) say('waiting for the rest of the stream…');
    await sent;
    const sendSeconds = (Date.now() - startedAt) / 1000;
    say(`stream sent: ${sender.ackedCount}/${args.events} acknowledged, ${sender.stats.requests} requests, ${sender.stats.retries} retries, ${sender.stats.uncertain} uncertain`);

    // Drain: both consumer groups' checkpoints at the last enqueued sequence number of every partition.
    const probe = new LagProbe(conn.eventHubs, HUB, conn.blob, GROUPS);
    t0 = Date.now();
    let lastLag: Record<string, number> = {};
    let enqueued = 0;
    let partitionEnds: Record<string, number> = {};
    let lastReport = 0;
    try {
      await waitFor('both consumer groups to catch up', async () => {
        try {
          const s = await probe.sample();
          if (Date.now() - lastReport > 10_000) {
            lastReport = Date.now();
            say(`lag ${JSON.stringify(s.lag)} of ${s.enqueued} enqueued`);
          }
          lastLag = s.lag;
          enqueued = s.enqueued;
          partitionEnds = Object.fromEntries(s.partitions.map((p) => [p.partitionId, p.lastEnqueued]));
          return GROUPS.every((g) => s.lag[g] === 0);
        } catch {
          return false;
        }
      }, args['drain-timeout'] * 1000, 2_000);
    } finally {
      await probe.close();
    }
    const drainSeconds = (Date.now() - t0) / 1000;
    say(`consumers caught up in ${drainSeconds.toFixed(0)} s; ${enqueued} events in the hub`);

    // Checks.
    const failures: string[] = [];
    const blobs = BlobServiceClient.fromConnectionString(conn.blob);
    const archive = await readArchiveContents(blobs.getContainerClient('archive'));
    let gaps = 0;
    for (const [pid, last] of Object.entries(partitionEnds)) {
      const seqs = archive.sequences.get(pid) ?? [];
      const expected = last + 1;
      const contiguous = seqs.length === expected && seqs.every((s, i) => s === i);
      if (!contiguous) {
        gaps++;
        failures.push(`partition ${pid}: archive has ${seqs.length} sequence numbers, the hub ${expected} (0..${last})`);
      }
    }
    const archivedIds = new Map<string, number>();
    for (const e of archive.events) archivedIds.set(String(e.id), (archivedIds.get(String(e.id)) ?? 0) + 1);
    let ackedMissing = 0;
    const missingExamples: string[] = [];
    for (let i = 0; i < args.events; i++) {
      if (!sender.acked[i]) continue;
      const id = streamEvent(i, streamOpts).id;
      if (!archivedIds.has(id)) {
        ackedMissing++;
        if (missingExamples.length < 10) missingExamples.push(id);
      }
    }
    if (ackedMissing > 0) failures.push(`${ackedMissing} acknowledged events are not in the archive (e.g. ${missingExamples.join(', ')})`);
    const unacked = args.events - sender.ackedCount;
    if (unacked > 0) failures.push(`${unacked} events were never acknowledged`);
    let foreign = 0;
    let duplicated = 0;
    for (const [id, n] of archivedIds) {
      const m = new RegExp(`^${tag}-(\\d+)$`).exec(id);
      if (!m || Number(m[1]) >= args.events) foreign++;
      if (n > 1) duplicated += n - 1;
    }
    if (foreign > 0) failures.push(`${foreign} archived events are not from the stream`);
    if (archive.unreadable > 0) failures.push(`${archive.unreadable} archived bodies are not JSON objects`);
    if (archive.invalid > 0) failures.push(`${archive.invalid} archived events are not valid tracked events (aggregation dead-letters them)`);

    const expected = expectedAggregates(archive.events, WINDOWS);
    const stored = await storedAggregates(conn.cosmos);
    const aggDiff = diffCounters(expected.aggregates, stored.aggregates);
    const profileDiff = diffCounters(expected.profiles, stored.profiles);
    if (aggDiff.mismatches > 0) failures.push(`${aggDiff.mismatches} aggregate counters differ from the archive: ${aggDiff.examples.join('; ')}`);
    if (profileDiff.mismatches > 0) failures.push(`${profileDiff.mismatches} profile counters differ from the archive: ${profileDiff.examples.join('; ')}`);
    const deadLetters = await countBlobs(blobs.getContainerClient('deadletter'));
    if (deadLetters > 0) failures.push(`${deadLetters} dead-letter blobs (every event of the stream is valid)`);
    if (sender.stats.refused.length > 0) failures.push(`${sender.stats.refused.length} requests refused with a 4xx, e.g. ${JSON.stringify(sender.stats.refused[0])}`);
    if (sender.stats.countMismatches > 0) failures.push(`${sender.stats.countMismatches} 202 answers with a wrong "accepted" count`);
    if (steps.filter((s) => s.action.startsWith('SIGKILL')).length < kills) failures.push('fewer kills than asked for');

    ok = failures.length === 0;
    summary = {
      test: 'chaos',
      ok,
      events: args.events,
      acknowledged: sender.ackedCount,
      kills: steps.filter((s) => s.action.startsWith('SIGKILL')).length,
      groupKills: steps.filter((s) => s.action === 'SIGKILL host + services').length,
      faultsMidStream: steps.filter((s) => /SIGKILL|killed|frozen/.test(s.action) && s.midStream).length,
      restartMs: restartMs.length
        ? { min: Math.min(...restartMs), max: Math.max(...restartMs), mean: Math.round(restartMs.reduce((a, b) => a + b, 0) / restartMs.length) }
        : null,
      outages: {
        cosmosDownSeconds: faults.has('cosmos') ? args['outage-seconds'] : 0,
        blobFrozenSeconds: faults.has('blob') ? args['outage-seconds'] : 0,
        eventHubsRestarts: faults.has('eventhubs') ? 1 : 0,
      },
      requests: sender.stats.requests,
      retries: sender.stats.retries,
      uncertainRequests: sender.stats.uncertain,
      timeouts: sender.stats.timeouts,
      connectionErrors: sender.stats.connectionErrors,
      statuses: sender.stats.statuses,
      hubEvents: enqueued,
      archivedEvents: archive.events.length,
      duplicateEventIdsInHub: duplicated,
      rawArchiveDuplicateRecords: archive.rawDuplicates,
      archiveGaps: gaps,
      acknowledgedMissingFromArchive: ackedMissing,
      aggregateGroupsChecked: expected.aggregates.size,
      profilesChecked: expected.profiles.size,
      aggregateMismatches: aggDiff.mismatches,
      profileMismatches: profileDiff.mismatches,
      deadLetters,
      sendSeconds: Math.round(sendSeconds),
      drainSeconds: Math.round(drainSeconds),
      totalSeconds: Math.round((Date.now() - startedAt) / 1000),
      seed: args.seed,
      failures,
      steps,
      dataDir,
      lastLag,
    };
  } catch (error) {
    summary = { test: 'chaos', ok: false, error: (error as Error)?.stack ?? String(error), steps, dataDir, acknowledged: sender.ackedCount };
  } finally {
    sender.close();
    await host.stop().catch(() => host.killGroup());
    for (const child of respawned) await stopChild(child).catch(() => {});
    host.close();
  }

  console.log('');
  console.log(`chaos: ${ok ? 'PASS' : 'FAIL'}`);
  for (const [k, v] of Object.entries(summary)) {
    if (k === 'steps' || k === 'failures') continue;
    console.log(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  for (const f of (summary.failures as string[] | undefined) ?? []) console.log(`  FAILURE: ${f}`);
  if (ok && !args.keep && !args['data-dir']) fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log(`  data and host log kept in ${dataDir}`);
  console.log(JSON.stringify(summary));
  return ok ? 0 : 1;
}

void runCommand(CHAOS_COMMAND, async (args) => {
  try {
    return await main(args);
  } catch (error) {
    // The last line is JSON whatever happens.
    console.log(JSON.stringify({ test: 'chaos', ok: false, error: String(error) }));
    throw error;
  }
});
