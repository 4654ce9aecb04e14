// `npm run simulate -- [options]`: simulated shoppers against a running system (default: the one
// `npm start` runs), or, with --dataset, a labelled dataset written without any system.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeArchiveFolder } from './archiveFolder';
import { csvLines } from './datasetCsv';
import { readLocalKeys } from './localKeys';
import { simulateOffline } from './offlineLog';
import { PolicyTally, type PolicySummary } from './policyTally';
import { seedCatalog, sendHistory } from './seedShop';
import { ShopApi } from './shopApi';
import { createWorld, type SimWorld } from './simWorld';
import { runTraffic } from './traffic';

const HELP = `Usage: npm run simulate -- [options]

Live traffic against a running system (default http://127.0.0.1:7071, keys from .local/ as npm start writes them):
  --url <url>            Functions host base URL
  --key <key>            Personalizer API key (Ocp-Apim-Subscription-Key)
  --master-key <key>     host master key, to put the offers into the catalog
  --decisions <n>        rank decisions to make                         (2000)
  --concurrency <n>      sessions at a time                             (16)
  --rate <n>             at most this many decisions per second         (unlimited)
  --no-seed              do not (re)write the offers into the catalog
  --no-history           do not send the returning users' past activity
  --settle <s>           seconds to let the pipeline aggregate the history before ranking (10)
  --label <text>         names this run's random streams                (live)

A labelled dataset, no system needed:
  --dataset csv|archive  one CSV row per (decision, offer) with the true click probability, or a
                         Capture-format Avro archive of decision and reward events (runTraining --folder)
  --out <path>           file (csv) or folder (archive)
  --decisions <n>        decisions to log                               (2000)
  --epsilon <f>          exploration of the logging policy (over the priors); 1 = uniform (0.2)
  --client-events        also archive the client events

The simulated shop (both):
  --seed <n>  (42)   --users <n>  (2000)   --new-share <f>  (0.2)   --offers <n>  (12)`;

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

function count(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
  return n;
}

async function live(world: SimWorld, values: Record<string, string | boolean | undefined>, appRoot: string): Promise<unknown> {
  const keys = readLocalKeys(path.join(appRoot, '.local'));
  const apiKey = (values.key as string | undefined) ?? keys.apiKey;
  if (!apiKey) throw new Error('--key is required (no .local/app-secrets.json to read it from)');
  const api = new ShopApi({ url: (values.url as string | undefined) ?? 'http://127.0.0.1:7071', apiKey, masterKey: (values['master-key'] as string | undefined) ?? keys.masterKey });
  if (!values['no-seed']) console.log(`catalog: ${await seedCatalog(world, api)} offers written`);
  if (!values['no-history']) {
    const h = await sendHistory(world, api);
    console.log(`history: ${h.events} events of ${h.users} returning users sent`);
    const settle = count(values.settle as string | undefined, 'settle', 10);
    if (settle > 0) {
      console.log(`waiting ${settle} s for the pipeline to aggregate it (profiles, priors)…`);
      await new Promise((r) => setTimeout(r, settle * 1000));
    }
  }
  const decisions = count(values.decisions as string | undefined, 'decisions', 2000);
  let shown = 0;
  const result = await runTraffic(world, api, {
    decisions,
    concurrency: count(values.concurrency as string | undefined, 'concurrency', 16),
    ...(values.rate ? { ratePerSecond: count(values.rate as string, 'rate', 0) } : {}),
    regulars: world.users.filter((u) => !u.isNew),
    arrivals: world.users.filter((u) => u.isNew),
    label: (values.label as string | undefined) ?? 'live',
    progress: (n) => {
      if (n - shown >= 500 || n === decisions) {
        shown = n;
        process.stdout.write(`\r${n}/${decisions} decisions`);
      }
    },
    log: (line) => console.error(line),
  });
  process.stdout.write('\n');
  for (const line of summaryLines('all users', result.tally.summary())) console.log(line);
  for (const line of summaryLines('cold start (first session of new users)', result.cold.summary())) console.log(line);
  console.log(`${result.decisions / result.elapsedSeconds > 0 ? (result.decisions / result.elapsedSeconds).toFixed(0) : 0} decisions/s; ${result.eventsAccepted} events accepted, ${result.rewardsSent} rewards; errors: ${result.rankErrors} rank, ${result.rewardErrors} reward, ${result.eventsFailed} events; models: ${JSON.stringify(result.modelVersions)}`);
  return { mode: 'live', decisions: result.decisions, all: result.tally.summary(), coldStart: result.cold.summary(), modelVersions: result.modelVersions, elapsedSeconds: result.elapsedSeconds };
}

function dataset(world: SimWorld, values: Record<string, string | boolean | undefined>): unknown {
  const format = values.dataset as string;
  if (format !== 'csv' && format !== 'archive') throw new Error('--dataset must be csv or archive');
  const out = values.out as string | undefined;
  if (!out) throw new Error('--out is required with --dataset');
  const log = simulateOffline(world, {
    decisions: count(values.decisions as string | undefined, 'decisions', 2000),
    epsilon: count(values.epsilon as string | undefined, 'epsilon', 0.2),
    clientEvents: Boolean(values['client-events']),
  });
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      url: { type: 'string' }, key: { type: 'string' }, 'master-key': { type: 'string' }, decisions: { type: 'string' },
      concurrency: { type: 'string' }, rate: { type: 'string' }, 'no-seed': { type: 'boolean' }, 'no-history': { type: 'boolean' },
      settle: { type: 'string' }, label: { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' }, epsilon: { type: 'string' },
      'client-events': { type: 'boolean' }, seed: { type: 'string' }, users: { type: 'string' }, 'new-share': { type: 'string' },
      offers: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const world = createWorld({
    seed: count(values.seed, 'seed', 42),
    users: count(values.users, 'users', 2000),
    newShare: count(values['new-share'], 'new-share', 0.2),
    offers: count(values.offers, 'offers', 12),
  });
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const summary = values.dataset ? dataset(world, values) : await live(world, values, appRoot);
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`simulate failed: ${(error as Error)?.message ?? error}`);
      process.exit(1);
    },
  );
}
