// `npm run simulate -- [options]`: simulated shoppers against a running system (default: the one
// `npm start` runs), or, with --dataset, a labelled dataset written without any system.
import fs from 'node:fs';
import path from 'node:path';
import { writeArchiveFolder } from './archiveFolder';
import { csvLines } from './datasetCsv';
import { readLocalKeys } from './localKeys';
import { simulateOffline } from './offlineLog';
import { PolicyTally, type PolicySummary } from './policyTally';
import { fetchPopularList } from './recommendationSlot';
import { seedCatalog, seedProducts, sendHistory } from './seedShop';
import { HttpError, ShopApi } from './shopApi';
import { CliUsageError, command, flag, nonNegativeInteger, nonNegativeNumber, number, oneOf, option, positiveInteger, positiveNumber, runCommand, systemError, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer } from '../cli/progress';
import { createWorld, type SimWorld } from './simWorld';
import { runTraffic } from './traffic';

const LIVE = 'Live traffic against a running system (default http://127.0.0.1:7071, keys from .local/ as npm start writes them)';
const DATASET = 'A labelled dataset, no system needed';
const SHOP = 'The simulated shop (both)';

const SIMULATE_COMMAND = command({
  usage: 'npm run simulate -- [options]',
  options: {
    url: option('Functions host base URL', text, { placeholder: '<url>', default: 'http://127.0.0.1:7071', group: LIVE }),
    key: option('Personalizer API key (Ocp-Apim-Subscription-Key)', text, { placeholder: '<key>', group: LIVE }),
    'catalog-key': option('catalog key (CatalogApiKeys), to put the offers and products into the catalog', text, { placeholder: '<key>', group: LIVE }),
    'function-key': option('function key, for the purchases the shop backend posts to /api/events/server', text, { placeholder: '<key>', group: LIVE }),
    decisions: option('rank decisions to make (live) or to log (--dataset)', nonNegativeInteger, { default: 2000, group: LIVE }),
    concurrency: option('sessions at a time', positiveInteger, { default: 16, group: LIVE }),
    rate: option('at most this many decisions per second', positiveNumber, { defaultText: 'unlimited', group: LIVE }),
    'no-seed': flag('do not (re)write the offers into the catalog', { group: LIVE }),
    'no-history': flag("do not send the returning users' past activity", { group: LIVE }),
    settle: option('seconds to let the pipeline aggregate the history before ranking', nonNegativeNumber, { placeholder: '<s>', default: 10, group: LIVE }),
    label: option("names this run's random streams", text, { default: 'live', group: LIVE }),
    recommendations: option('share of sessions that open with GET /api/recommendations (products go into\nthe catalog; train the product model to compare it with popularity and the oracle)', number({ min: 0, max: 1 }), { placeholder: '<f>', default: 0, group: LIVE }),
    dataset: option('one CSV row per (decision, offer) with the true click probability, or a\nCapture-format Avro archive of decision and reward events (runTraining --folder)', oneOf(['csv', 'archive'] as const), { group: DATASET }),
    out: option('file (csv) or folder (archive)', text, { placeholder: '<path>', group: DATASET }),
    epsilon: option('exploration of the logging policy (over the priors); 1 = uniform', number({ min: 0, max: 1 }), { default: 0.2, group: DATASET }),
    'client-events': flag('also archive the client events', { group: DATASET }),
    seed: option('random seed', nonNegativeInteger, { default: 42, group: SHOP }),
    users: option('simulated users', nonNegativeInteger, { default: 2000, group: SHOP }),
    'new-share': option('share of users without history', number({ min: 0, max: 1 }), { default: 0.2, group: SHOP }),
    offers: option('offers in the catalog', nonNegativeInteger, { default: 12, group: SHOP }),
  },
});

type SimulateArgs = OptionValues<typeof SIMULATE_COMMAND.options>;

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

export function summaryLines(label: string, s: PolicySummary): string[] {
  return [
    `${label}: ${s.decisions} decisions, ${s.clicks} clicks`,
    `  CTR ours ${pct(s.observedCtr)} observed, ${pct(s.expectedCtr)} expected (greedy ${pct(s.greedyExpectedCtr)}) | random ${pct(s.randomCtr)} | popularity ${pct(s.popularityCtr)} (${s.popularityOfferId}) | oracle ${pct(s.oracleCtr)}`,
    `  lift over random captured: ${pct(s.liftCaptured)} as served, ${pct(s.greedyLiftCaptured)} greedy`,
  ];
}

async function live(world: SimWorld, values: SimulateArgs, appRoot: string): Promise<unknown> {
  const keys = readLocalKeys(path.join(appRoot, '.local'));
  const apiKey = values.key ?? keys.apiKey;
  if (!apiKey) throw new CliUsageError('--key is required (no .local/app-secrets.json to read it from)');
  const functionKey = values['function-key'] ?? keys.functionKey;
  const api = new ShopApi({ url: values.url, apiKey, catalogKey: values['catalog-key'] ?? keys.catalogKey, ...(functionKey ? { functionKey } : {}) });
  const recommending = values.recommendations > 0;
  if (!values['no-seed']) console.log(`catalog: ${await seedCatalog(world, api)} offers written`);
  if (!values['no-seed'] && recommending) console.log(`catalog: ${await seedProducts(world, api)} products written`);
  if (!values['no-history']) {
    const h = await sendHistory(world, api);
    console.log(`history: ${h.events} events of ${h.users} returning users sent`);
    const settle = values.settle;
    if (settle > 0) {
      console.log(`waiting ${settle} s for the pipeline to aggregate it (profiles, priors)…`);
      await new Promise((r) => setTimeout(r, settle * 1000));
    }
  }
  const decisions = values.decisions;
  const progress = createProgressRenderer(process.stderr);
  const popular = recommending ? await fetchPopularList(api, world.catalog, 4) : [];
  const result = await runTraffic(world, api, {
    ...(recommending ? { recommendations: { share: values.recommendations, n: 4, popular } } : {}),
    decisions,
    concurrency: values.concurrency,
    ...(values.rate !== undefined ? { ratePerSecond: values.rate } : {}),
    regulars: world.users.filter((u) => !u.isNew),
    arrivals: world.users.filter((u) => u.isNew),
    label: values.label,
    progress: (n) => progress.update({ step: 'decisions', done: n, total: decisions }),
    log: (line) => progress.log(line),
  });
  progress.end();
  for (const line of summaryLines('all users', result.tally.summary())) console.log(line);
  for (const line of summaryLines('cold start (first session of new users)', result.cold.summary())) console.log(line);
  console.log(`${result.decisions / result.elapsedSeconds > 0 ? (result.decisions / result.elapsedSeconds).toFixed(0) : 0} decisions/s; ${result.eventsAccepted} events accepted, ${result.rewardsSent} rewards; errors: ${result.rankErrors} rank, ${result.rewardErrors} reward, ${result.eventsFailed} events; models: ${JSON.stringify(result.modelVersions)}`);
  const recs = result.recommendations?.tally.summary();
  if (recs) {
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    console.log(`recommendations: ${recs.decisions} lists, CTR ${pct(recs.observedCtr)} observed, ${pct(recs.expectedCtr)} expected (without exploration ${pct(recs.greedyExpectedCtr)}) | popularity ${pct(recs.popularityCtr)} | best fixed list ${pct(recs.bestFixedCtr)} | oracle ${pct(recs.oracleCtr)} | random ${pct(recs.randomCtr)}; answered from ${JSON.stringify(recs.sources)}; ${result.recommendations!.errors} errors`);
  }
  return { mode: 'live', decisions: result.decisions, all: result.tally.summary(), coldStart: result.cold.summary(), ...(recs ? { recommendations: recs } : {}), modelVersions: result.modelVersions, elapsedSeconds: result.elapsedSeconds };
}

function dataset(world: SimWorld, format: 'csv' | 'archive', values: SimulateArgs): unknown {
  const out = values.out;
  if (!out) throw new CliUsageError('--out is required with --dataset');
  const log = simulateOffline(world, { decisions: values.decisions, epsilon: values.epsilon, clientEvents: values['client-events'] });
  const tally = new PolicyTally();
  for (const d of log.decisions) {
    const probs = d.record.actions.map((a) => a.probability);
    tally.add({ actionIds: d.record.actions.map((a) => a.id), trueProbabilities: d.trueProbabilities, servingProbabilities: probs, chosen: d.chosen, greedy: probs.indexOf(Math.max(...probs)), clicked: d.clicked });
  }
  if (format === 'csv') {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const fd = fs.openSync(out, 'w');
    try {
      for (const line of csvLines(log.decisions)) fs.writeSync(fd, line);
    } finally {
      fs.closeSync(fd);
    }
    console.log(`${out}: ${log.decisions.length} decisions × ${world.catalog.offers.length} offers`);
  } else {
    const files = writeArchiveFolder(out, log.events);
    console.log(`${out}: ${log.events.length} events in ${files.length} Capture-format files`);
  }
  for (const line of summaryLines('logging policy', tally.summary())) console.log(line);
  return { mode: 'dataset', format, out, decisions: log.decisions.length, events: log.events.length, invalidEvents: log.invalidEvents, loggingPolicy: tally.summary() };
}

async function main(values: SimulateArgs): Promise<void> {
  const world = createWorld({ seed: values.seed, users: values.users, newShare: values['new-share'], offers: values.offers });
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const summary = values.dataset ? dataset(world, values.dataset, values) : await live(world, values, appRoot);
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  // A refused request, or a host that cannot be reached, explains itself.
  void runCommand(SIMULATE_COMMAND, main, { failurePrefix: 'simulate failed', expected: [HttpError, (error) => systemError((error as Error)?.cause)] });
}
