// Product recommendations on the shared Online Retail data: the history imported into an archive
// (Azurite), `npm run train -- --model products`'s run from it (trainSeconds, peakRssMb), the model
// loaded from the registry (modelLoadMs), then GET /api/recommendations with 100 candidates
// re-ranked by the offer ranker as last step: in process (recommendP99MsInProcess) and over
// loopback through the local HTTP host with the emulators as child processes (recommendP99MsHttp).
// `scale [products=100000] [interactions=10000000]` trains on a synthetic log of that size instead
// (trainSeconds, peakRssMb, serving p99 in process).
// Usage: recommend [iterations=2000] [httpSeconds=10] | recommend scale [products] [interactions]
// Targets: train ≤ 60 s and ≤ 2 GB (scale: ≤ 10 min, ≤ 4 GB); p99 ≤ 5 ms in process, ≤ 15 ms over HTTP.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startBlobService, startCosmosService, startEventHubsService } from '../tools/local/localServices';
import { installFunctionsCoreShim } from '../tools/local/host/functionsCoreShim';
import { startHttpHost } from '../tools/local/host/httpHost';
import { silentLogger } from '../tools/local/host/hostLogger';
import { createCosmosClient } from '../src/clients/cosmosClients';
import { ensureContainers } from '../src/aggregation/containers';
import { closeAppServices } from '../src/app/appServices';
import { importHistory } from '../src/products/history/importHistory';
import { catalogFromHistory } from '../src/products/catalog/catalogFromHistory';
import { runProductTraining } from '../src/training/products/runProductTraining';
import { ProductModelStore } from '../src/products/model/productModelStore';
import { decodeProductArtifact, encodeProductArtifact, type ServedProducts } from '../src/products/model/productArtifact';
import { ProductRecommender, type LastStepRanker } from '../src/products/serving/productRecommender';
import type { CatalogView, StoredProduct } from '../src/products/catalog/productStore';
import { Ranker } from '../src/ranking/ranker';
import { emptyPriors } from '../src/features/priors';
import { InteractionLog } from '../src/recommendations/interactionLog';
import { trainProductModel } from '../src/recommendations/trainProductModel';
import { nonNegativeNumber, positional, positiveInteger } from '../tools/cli/commandLine';
import { createProgressRenderer } from '../tools/cli/progress';
import { rssSampler } from './support/rssSampler';

const DATA = path.resolve(__dirname, '..', '..', '..', 'shared', 'datasets', 'online-retail', 'online_retail_2010-12_2011-09.csv.gz');
const CANDIDATES = 100;
const progress = createProgressRenderer(process.stderr);
const log = (m: string) => progress.log(`[recommend] ${m}`);

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(0.99 * s.length))].toFixed(3);
}

function lastStep(): LastStepRanker {
  const ranker = new Ranker({
    settings: { exploration: 0.2, signingKeys: [Buffer.alloc(32, 7)], rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest', rewardMin: 0, rewardMax: 1 },
    model: () => undefined,
    priors: () => emptyPriors(),
    logDecision: () => {},
    random: Math.random,
  });
  return (input) => ranker.rank({ ...input, excludedActions: new Set(), deferActivation: false, source: 'recommendations' });
}

async function inProcessP99(served: ServedProducts, catalog: CatalogView, iterations: number): Promise<number> {
  const ranker = lastStep();
  const r = new ProductRecommender({ model: () => served, catalog: async () => catalog, ranker: async () => ranker, rankCandidates: CANDIDATES });
  const users = served.userIds.filter((u) => !u.startsWith('guest-'));
  const times: number[] = [];
  for (let i = 0; i < iterations + 200; i++) {
    const t = performance.now();
    const res = await r.recommend({ userKey: users[(i * 7919) % users.length], anonymous: false, n: 10, mode: i % 2 ? 'new' : 'all', context: { device: 'mobile' } });
    if (i >= 200) times.push(performance.now() - t);
    if (res.ranker !== 'last-step' || res.items.length !== 10) throw new Error(`unexpected answer: ${JSON.stringify(res).slice(0, 200)}`);
  }
  return p99(times);
}

function getLatency(url: string, seconds: number, paths: (i: number) => string): Promise<{ p99: number; requests: number; statuses: Record<string, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = Date.now() + seconds * 1000;
  const one = (p: string) =>
    new Promise<number>((resolve) => {
      const req = http.request({ agent, method: 'GET', hostname: target.hostname, port: target.port, path: p }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end();
    });
  return (async () => {
    for (let i = 0; Date.now() < deadline; i++) {
      const t = performance.now();
      const status = await one(paths(i));
      if (i >= 50) times.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    agent.destroy();
    return { p99: p99(times), requests: times.length, statuses };
  })();
}

async function shared(iterations: number, httpSeconds: number): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recommend-'));
  const quiet = () => {};
  const rss = rssSampler();
  const [blob, cosmos, eventHubs] = await Promise.all([
    startBlobService(path.join(dataDir, 'blob'), 0, quiet),
    startCosmosService(path.join(dataDir, 'cosmos'), 0, quiet),
    startEventHubsService(path.join(dataDir, 'eh'), 0, [{ name: 'events', partitions: 4, consumerGroups: [] }], quiet),
  ]);
  try {
    const blobs = BlobServiceClient.fromConnectionString(blob.connectionString);
    const archive = blobs.getContainerClient('archive');
    const models = blobs.getContainerClient('models');
    await archive.createIfNotExists();
    let t = performance.now();
    const imported = await importHistory(DATA, archive, { source: 'online-retail', progress: (p) => progress.update(p) });
    const importSeconds = (performance.now() - t) / 1000;
    log(`imported ${imported.counts.purchases} lines (${imported.archive?.messages} baskets) in ${importSeconds.toFixed(1)} s`);
    const catalog: CatalogView = {
      products: new Map(catalogFromHistory(imported.lines).map((p) => [p.id, { ...p, updatedAt: '' } as StoredProduct])),
      known: true,
    };
    imported.lines.length = 0;
    (global as { gc?: () => void }).gc?.();
    rss.reset();
    t = performance.now();
    const trained = await runProductTraining({ archive: { container: archive }, registry: models, progress: (p) => progress.update(p) });
    const trainSeconds = (performance.now() - t) / 1000;
    const peakRssMb = rss.peakMB();
    log(`trained ${trained.manifest.version} from ${trained.counts.interactions} interactions in ${trainSeconds.toFixed(1)} s, peak RSS ${peakRssMb} MB, ${(trained.bytes / 1e6).toFixed(1)} MB artifact`);
    const store = new ProductModelStore(models);
    const loads: number[] = [];
    let served: ServedProducts | undefined;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      served = (await store.load('products', trained.manifest.version)).served;
      loads.push(performance.now() - t);
    }
    const modelLoadMs = +loads.sort((a, b) => a - b)[1].toFixed(1);
    const recommendP99MsInProcess = await inProcessP99(served!, catalog, iterations);
    log(`in process: p99 ${recommendP99MsInProcess} ms over ${iterations} requests`);

    const setup = createCosmosClient({ connectionString: cosmos.connectionString });
    await ensureContainers(setup, 'personalization');
    setup.dispose();
    Object.assign(process.env, {
      ArchiveStorage: blob.connectionString, CosmosDB: cosmos.connectionString, EventHubConnection: eventHubs.connectionString, EventHubName: 'events',
      RankingSigningKeys: Buffer.alloc(32, 9).toString('base64'), PersonalizerApiKeys: 'bench-key',
    });
    const registrations = installFunctionsCoreShim(() => {});
    require('../functions/recommendations');
    const host = await startHttpHost(registrations, { port: 0, routePrefix: '', maxRequestBodyBytes: 1024 * 1024, keys: { masterKey: 'm', functionKey: 'f' }, corsOrigins: [], logger: silentLogger });
    const users = served!.userIds.filter((u) => !u.startsWith('guest-'));
    const httpResult = await getLatency(host.url, httpSeconds, (i) => `/api/recommendations?userId=${encodeURIComponent(users[(i * 7919) % users.length])}&n=10&mode=${i % 2 ? 'new' : 'all'}&device=mobile`);
    log(`HTTP: p99 ${httpResult.p99} ms over ${httpResult.requests} requests, statuses ${JSON.stringify(httpResult.statuses)}`);
    await host.close();
    await closeAppServices();
    return {
      interactions: trained.counts.interactions, products: trained.manifest.trainingData.items, shoppers: trained.manifest.trainingData.users,
      importSeconds: +importSeconds.toFixed(1), trainSeconds: +trainSeconds.toFixed(1), peakRssMb, artifactMb: +(trained.bytes / 1e6).toFixed(1), modelLoadMs,
      candidates: CANDIDATES, recommendP99MsInProcess, recommendP99MsHttp: httpResult.p99, httpRequests: httpResult.requests, httpStatuses: httpResult.statuses,
    };
  } finally {
    rss.stop();
    for (const s of [eventHubs, cosmos, blob]) await s.stop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A shop of `products` items with Zipf popularity and shoppers with a few taste clusters. */
function syntheticLog(products: number, interactions: number): InteractionLog {
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const clusters = 500;
  const perCluster = Math.floor(products / clusters);
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.pow(rnd(), 2.5) * n));
  const users = Math.floor(interactions / 20);
  const logOut = new InteractionLog();
  const day = 86_400_000;
  const t0 = Date.UTC(2025, 0, 1);
  let done = 0;
  for (let u = 0; done < interactions; u = (u + 1) % users) {
    const c1 = Math.floor(rnd() * clusters);
    const c2 = Math.floor(rnd() * clusters);
    const basket = `b${done}`;
    const t = t0 + Math.floor(rnd() * 365) * day + Math.floor(rnd() * day);
    const size = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < size && done < interactions; k++, done++) {
      const r = rnd();
      const item = r < 0.8 ? (r < 0.5 ? c1 : c2) * perCluster + zipf(perCluster) : zipf(products);
      logOut.add(`u${u}`, `p${item}`, t, rnd() < 0.7 ? 'view' : rnd() < 0.5 ? 'cart' : 'purchase', basket);
    }
    if (done % 500_000 < size) progress.update({ step: 'generate', done, total: interactions });
  }
  return logOut;
}

async function scale(products: number, interactions: number, iterations: number): Promise<Record<string, unknown>> {
  const rss = rssSampler();
  try {
    let t = performance.now();
    const logIn = syntheticLog(products, interactions);
    const generateSeconds = (performance.now() - t) / 1000;
    log(`generated ${logIn.length} interactions of ${logIn.users.size} shoppers on ${logIn.items.size} products in ${generateSeconds.toFixed(1)} s`);
    t = performance.now();
    const trained = trainProductModel(logIn, { progress: (p) => progress.update(p) });
    const bytes = encodeProductArtifact(trained, logIn.userSegment);
    const trainSeconds = (performance.now() - t) / 1000;
    const peakRssMb = rss.peakMB();
    t = performance.now();
    const served = decodeProductArtifact(bytes);
    const modelLoadMs = +(performance.now() - t).toFixed(1);
    const catalog: CatalogView = { products: new Map(), known: false };
    const recommendP99MsInProcess = await inProcessP99(served, catalog, iterations);
    return { products: logIn.items.size, interactions: logIn.length, shoppers: logIn.users.size, generateSeconds: +generateSeconds.toFixed(1), trainSeconds: +trainSeconds.toFixed(1), peakRssMb, artifactMb: +(bytes.length / 1e6).toFixed(1), modelLoadMs, recommendP99MsInProcess };
  } finally {
    rss.stop();
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  if (args[0] === 'scale') {
    const products = positional(args, 1, 'products', positiveInteger, 100_000);
    const interactions = positional(args, 2, 'interactions', positiveInteger, 10_000_000);
    return scale(products, interactions, 1000);
  }
  const iterations = positional(args, 0, 'iterations', positiveInteger, 2000);
  const httpSeconds = positional(args, 1, 'httpSeconds', nonNegativeNumber, 10);
  return shared(iterations, httpSeconds);
}
