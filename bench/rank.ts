// Rank latency for 50 actions with a 200-tree depth-6 GBDT: the raw session.run of the batch,
// the in-process Ranker (features + one run + exploration + signed id + decision event), and
// POST /personalizer/v1.0/rank over loopback through the local HTTP host. By default the host
// serves the ranking functions alone, with the emulators as child processes (as Azure's services
// are remote); `runtime` as the third argument measures through `npm start`'s whole local runtime
// instead, where the event-processing triggers share the process.
// Multi-slot (3 slots over the same 50 actions, POST /personalizer/multislot/rank?api-version=2022-09-01-preview)
// is measured the same two ways.
// Usage: rank [iterations=3000] [httpSeconds=10] [host|runtime]. Targets (single and multi-slot):
// in-process p99 ≤ 5 ms, HTTP p99 ≤ 15 ms.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { BlobServiceClient } from '@azure/storage-blob';
import { startLocalRuntime } from '../tools/local/localRuntime';
import { startBlobService, startCosmosService, startEventHubsService } from '../tools/local/localServices';
import { installFunctionsCoreShim } from '../tools/local/host/functionsCoreShim';
import { startHttpHost } from '../tools/local/host/httpHost';
import { silentLogger } from '../tools/local/host/hostLogger';
import { createCosmosClient } from '../src/clients/cosmosClients';
import { ensureContainers } from '../src/aggregation/containers';
import { closeAppServices } from '../src/app/appServices';
import { loadModel, SESSION_OPTIONS } from '../src/scoring/loadModel';
import { ModelRegistry } from '../src/models/modelRegistry';
import { Ranker } from '../src/ranking/ranker';
import { DecisionLog } from '../src/ranking/decisionLog';
import { emptyPriors } from '../src/features/priors';
import { buildFeatureMatrix } from '../src/features/featureBuilder';
import { flattenFeatures } from '../src/features/flattenFeatures';
import type { EventPublisher } from '../src/clients/eventHubPublisher';
import { gbdtOnnx, randomGbdt } from '../test/ranking/fixtures/treeModels';
import { OFFER_CONTRACT, OFFER_CONTRACT_WIDTH, manifestFor } from '../test/ranking/fixtures/contracts';
import { postLoad } from './support/httpLoad';
import { nonNegativeNumber, oneOf, positional, positiveInteger } from '../tools/cli/commandLine';

const ACTIONS = 50;
const CATEGORIES = ['shoes', 'bags', 'hats', 'socks'];

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r = (v: number) => Number(v.toFixed(3));
  return { p50: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1]) };
}

/** 200 users: after the warm-up their profiles are in the 30 s cache, as for users browsing a site. */
function rankBody(i: number): string {
  return JSON.stringify({
    contextFeatures: [{ device: ['mobile', 'desktop'][i % 2], page: `/p/${i % 17}` }, { userId: `user-${i % 200}` }],
    actions: Array.from({ length: ACTIONS }, (_, a) => ({
      id: `offer-${a}`,
      features: [{ category: CATEGORIES[a % 4], price: 5 + ((a * 37 + i) % 200), discount: (a % 5) / 10 }],
    })),
    excludedActions: ['offer-3'],
  });
}

const SLOTS = [
  { id: 'hero', baselineAction: 'offer-0', excludedActions: ['offer-3'], features: [{ size: 'large' }] },
  { id: 'side', baselineAction: 'offer-1', features: [{ size: 'small' }] },
  { id: 'footer', baselineAction: 'offer-2', excludedActions: ['offer-4', 'offer-5'] },
];

/** The same 50 actions and context as rankBody, with three slots (two with features of their own). */
function multiSlotBody(i: number): string {
  const { contextFeatures, actions } = JSON.parse(rankBody(i)) as { contextFeatures: unknown[]; actions: unknown[] };
  return JSON.stringify({ contextFeatures, actions, slots: SLOTS });
}

async function timeIt(iterations: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return samples;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const iterations = positional(args, 0, 'iterations', positiveInteger, 3000);
  const httpSeconds = positional(args, 1, 'httpSeconds', nonNegativeNumber, 10);
  const mode = positional(args, 2, 'mode', oneOf(['host', 'runtime']), 'host');
  const gbdt = randomGbdt({ trees: 200, depth: 6, features: OFFER_CONTRACT_WIDTH, seed: 2024 });
  const bytes = gbdtOnnx(gbdt);
  const manifest = manifestFor(bytes, 'bench');

  // Model load: bytes → validated LoadedModel (sha256, contract, session, probe).
  const loadSamples: number[] = [];
  let model = await loadModel(bytes, manifest);
  for (let i = 0; i < 5; i++) {
    await model.release();
    model = await loadModel(bytes, manifest);
    loadSamples.push(model.loadMs);
  }

  // Raw session.run of the same 50-row batch.
  const context = flattenFeatures([{ device: 'mobile', page: '/p/1' }]);
  const rows = Array.from({ length: ACTIONS }, (_, a) => ({ features: flattenFeatures([{ category: CATEGORIES[a % 4], price: 5 + a, discount: 0.1 }]), prior: 0.5 }));
  const matrix = buildFeatureMatrix(context, rows, undefined, Date.now(), OFFER_CONTRACT);
  const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  const input = new ort.Tensor('float32', matrix, [ACTIONS, OFFER_CONTRACT_WIDTH]);
  await timeIt(200, () => session.run({ features: input }));
  const raw = await timeIt(iterations, () => session.run({ features: input }));
  await session.release();

  // In-process ranker; decisions go through the real DecisionLog to a publisher that discards them.
  let published = 0;
  const sink: EventPublisher = {
    publish: async (events) => {
      published += events.length;
      return { sent: events.length, failed: [], sends: 1 };
    },
    close: async () => {},
  };
  const log = new DecisionLog(sink);
  const ranker = new Ranker({
    settings: { exploration: 0.2, signingKeys: [crypto.randomBytes(32)], rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest', rewardMin: 0, rewardMax: 1 },
    model: () => model,
    priors: () => emptyPriors(),
    logDecision: (e) => log.enqueue(e),
    random: Math.random,
  });
  const requests = Array.from({ length: 64 }, (_, i) => JSON.parse(rankBody(i)) as { contextFeatures: Record<string, unknown>[]; actions: { id: string; features: Record<string, unknown>[] }[] });
  let k = 0;
  const rankOnce = () => {
    const r = requests[k++ % requests.length];
    return ranker.rank({ contextFeatures: r.contextFeatures, actions: r.actions, excludedActions: new Set(['offer-3']), deferActivation: false, source: 'rank' });
  };
  await timeIt(300, rankOnce);
  const inProcess = await timeIt(iterations, rankOnce);
  const slots = SLOTS.map((slot) => ({ id: slot.id, baselineAction: slot.baselineAction, features: slot.features ?? [], excludedActions: new Set(slot.excludedActions ?? []) }));
  const rankSlotsOnce = () => {
    const r = requests[k++ % requests.length];
    return ranker.rankSlots({ contextFeatures: r.contextFeatures, actions: r.actions, slots, deferActivation: false, source: 'rank' });
  };
  await timeIt(300, rankSlotsOnce);
  const inProcessMultiSlot = await timeIt(iterations, rankSlotsOnce);
  await log.flush();
  await model.release();

  const apiKey = crypto.randomBytes(24).toString('base64url');
  const settings = { PersonalizerApiKeys: apiKey, RankingSigningKeys: crypto.randomBytes(32).toString('base64') };
  const target = mode === 'runtime' ? await startRuntimeTarget(settings) : await startHostTarget(settings);
  let http: Awaited<ReturnType<typeof postLoad>>;
  let httpConcurrent: Awaited<ReturnType<typeof postLoad>>;
  let httpMultiSlot: Awaited<ReturnType<typeof postLoad>>;
  let servedVersion: string | null = null;
  try {
    const registry = new ModelRegistry(BlobServiceClient.fromConnectionString(target.blobConnection).getContainerClient('models'));
    await registry.registerModel('offer-ranker', 'bench', bytes, manifest);
    await registry.promoteModel('offer-ranker', 'bench', { ifMatchEtag: (await registry.readCurrent('offer-ranker'))?.etag ?? null });
    const url = `${target.url}/personalizer/v1.0/rank`;
    const headers = { 'Ocp-Apim-Subscription-Key': apiKey };
    const probe = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: rankBody(0) });
    servedVersion = probe.headers.get('x-model-version');
    await postLoad(url, rankBody, 1, 3, headers);
    http = await postLoad(url, rankBody, 1, httpSeconds, headers);
    httpConcurrent = await postLoad(url, rankBody, 4, httpSeconds, headers);
    const multiSlotUrl = `${target.url}/personalizer/multislot/rank?api-version=2022-09-01-preview`;
    await postLoad(multiSlotUrl, multiSlotBody, 1, 2, headers);
    httpMultiSlot = await postLoad(multiSlotUrl, multiSlotBody, 1, httpSeconds, headers);
  } finally {
    await target.close();
  }

  const rawP = percentiles(raw);
  const inP = percentiles(inProcess);
  const msP = percentiles(inProcessMultiSlot);
  const figures = {
    bench: 'rank',
    actions: ACTIONS,
    model: { trees: 200, depth: 6, features: OFFER_CONTRACT_WIDTH, onnxBytes: bytes.length },
    modelLoadMs: percentiles(loadSamples),
    sessionRunMs: rawP,
    inProcessRankMs: inP,
    inProcessOverheadP50Ms: Number((inP.p50 - rawP.p50).toFixed(3)),
    decisionsPublished: published,
    httpTarget: mode === 'runtime' ? 'npm start local runtime (all functions and triggers in one process)' : 'local HTTP host serving the ranking functions; emulators in child processes',
    httpRankMs: { concurrency: 1, ...http.latencyMs, requests: http.requests, failures: http.failures, statuses: http.statuses, servedModel: servedVersion },
    httpRankConcurrent4: { ...httpConcurrent.latencyMs, requestsPerSecond: Math.round(httpConcurrent.requestsPerSecond), failures: httpConcurrent.failures },
    multiSlot: {
      slots: SLOTS.length,
      actions: ACTIONS,
      inProcessRankMs: msP,
      httpRankMs: { concurrency: 1, ...httpMultiSlot!.latencyMs, requests: httpMultiSlot!.requests, failures: httpMultiSlot!.failures, statuses: httpMultiSlot!.statuses },
    },
    targets: { inProcessP99Ms: 5, httpP99Ms: 15 },
    meetsTargets: {
      inProcess: inP.p99 <= 5,
      http: http.latencyMs.p99 <= 15,
      multiSlotInProcess: msP.p99 <= 5,
      multiSlotHttp: httpMultiSlot!.latencyMs.p99 <= 15,
    },
  };
  console.log(`session.run p50 ${rawP.p50} ms p99 ${rawP.p99} ms; ranker p50 ${inP.p50} ms p99 ${inP.p99} ms; HTTP p50 ${http.latencyMs.p50.toFixed(2)} ms p99 ${http.latencyMs.p99.toFixed(2)} ms; multi-slot ranker p99 ${msP.p99} ms, HTTP p99 ${httpMultiSlot!.latencyMs.p99.toFixed(2)} ms`);
  return figures;
}

interface HttpTarget {
  url: string;
  blobConnection: string;
  close(): Promise<void>;
}

/** The ranking functions alone on the local HTTP host; Cosmos DB, Event Hubs and Blob emulators as child processes. */
async function startHostTarget(settings: Record<string, string>): Promise<HttpTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rank-'));
  const quiet = () => {};
  const [blob, cosmos, eventHubs] = await Promise.all([
    startBlobService(path.join(dataDir, 'blob'), 0, quiet),
    startCosmosService(path.join(dataDir, 'cosmos'), 0, quiet),
    startEventHubsService(path.join(dataDir, 'eh'), 0, [{ name: 'events', partitions: 4, consumerGroups: [] }], quiet),
  ]);
  const setup = createCosmosClient({ connectionString: cosmos.connectionString });
  await ensureContainers(setup, 'personalization');
  setup.dispose();
  Object.assign(process.env, { ...settings, ArchiveStorage: blob.connectionString, CosmosDB: cosmos.connectionString, EventHubConnection: eventHubs.connectionString, EventHubName: 'events' });
  const registrations = installFunctionsCoreShim(() => {});
  require('../functions/personalizer');
  const host = await startHttpHost(registrations, {
    port: 0, routePrefix: '', maxRequestBodyBytes: 1024 * 1024, keys: { masterKey: 'm', functionKey: 'f' }, corsOrigins: [], logger: silentLogger,
  });
  return {
    url: host.url,
    blobConnection: blob.connectionString,
    async close() {
      await host.close();
      await closeAppServices();
      for (const s of [eventHubs, cosmos, blob]) await s.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startRuntimeTarget(settings: Record<string, string>): Promise<HttpTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rank-'));
  const runtime = await startLocalRuntime({
    appRoot: path.resolve(__dirname, '..', '..'),
    dataDir,
    ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
    logger: silentLogger,
    overrides: settings,
  });
  return {
    url: runtime.url!,
    blobConnection: runtime.env.ArchiveStorage,
    async close() {
      await runtime.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
