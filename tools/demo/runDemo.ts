// The closed-loop demo: embedded system → seed catalog and history → rounds of simulated traffic
// (the first ranked by the cold-start priors) → after each round, let the pipeline archive and
// aggregate, train and promote a model (runTraining), wait until the ranker serves it → next
// round. Prints each round, writes the chart and returns the summary.
import fs from 'node:fs';
import path from 'node:path';
import { runTraining, type TrainingProgress, type TrainingRunResult } from '../../src/training';
import { runProductTraining } from '../../src/training/products/runProductTraining';
import type { HostLogger } from '../local/host/hostLogger';
import { fetchPopularList } from '../simulator/recommendationSlot';
import { seedCatalog, seedProducts, sendHistory } from '../simulator/seedShop';
import { createWorld } from '../simulator/simWorld';
import { runTraffic } from '../simulator/traffic';
import type { SimUser } from '../simulator/population';
import { changeRankingSetting } from './appSetting';
import { demoSettings, type DemoConfig } from './demoConfig';
import { ctrChart, evaluateTargets, recommendationChart, roundLines, targetLines, type DemoTargets } from './demoReport';
import { startDemoStack } from './demoStack';
import { waitForModelVersion, waitForProductModel } from './modelServed';
import { waitForPipeline } from './pipelineDrain';
import { roundRecord, trainingRecord, type RoundRecord } from './roundRecord';

export interface DemoSummary {
  demo: 'closed-loop';
  config: DemoConfig;
  rounds: RoundRecord[];
  targets: DemoTargets;
  phases: { startSeconds: number; seedSeconds: number; historyEvents: number; trafficSeconds: number; trainingSeconds: number; waitingSeconds: number };
  elapsedSeconds: number;
  chart: string;
  /** The recommendation CTR chart; null when no round had recommendations. */
  recommendationChart: string | null;
}

const MODEL_NAME = 'offer-ranker';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Splits the new users into one group of arrivals per round. */
function arrivalGroups(users: SimUser[], rounds: number): SimUser[][] {
  const fresh = users.filter((u) => u.isNew);
  const per = Math.ceil(fresh.length / rounds);
  return Array.from({ length: rounds }, (_, r) => fresh.slice(r * per, (r + 1) * per));
}

/** `progress`: decisions of each round and the training steps, for a progress display. */
export async function runDemo(config: DemoConfig, appRoot: string, print: (line: string) => void, progress?: (p: TrainingProgress) => void): Promise<DemoSummary> {
  const t0 = Date.now();
  const elapsed = () => (Date.now() - t0) / 1000;
  const say = (line: string) => print(`[${elapsed().toFixed(0).padStart(3)} s] ${line}`);
  const logger: HostLogger = config.verbose
    ? { info: () => {}, warn: (m) => say(`host: ${m}`), error: (m) => say(`host error: ${m}`) }
    : { info: () => {}, warn: () => {}, error: (m) => say(`host error: ${m.split('\n')[0].slice(0, 200)}`) };
  const phases = { startSeconds: 0, seedSeconds: 0, historyEvents: 0, trafficSeconds: 0, trainingSeconds: 0, waitingSeconds: 0 };

  say(`starting the embedded system (emulators, Functions host) on ephemeral ports…`);
  const stack = await startDemoStack({ appRoot, overrides: demoSettings(config), logger, keepData: config.keepData, eventHubPartitions: 2 });
  phases.startSeconds = elapsed();
  try {
    const world = createWorld({ seed: config.seed, users: config.users, newShare: config.newShare, offers: config.offers });
    const returning = world.users.filter((u) => !u.isNew);
    say(`seeding ${world.catalog.offers.length} offers and the history of ${returning.length} returning users (${world.users.length - returning.length} new users arrive over the rounds)…`);
    await seedCatalog(world, stack.api);
    const recommending = config.recommendationShare > 0;
    if (recommending) await seedProducts(world, stack.api);
    const history = await sendHistory(world, stack.api);
    phases.historyEvents = history.events;
    const drained = await waitForPipeline(stack.runtime.env);
    phases.seedSeconds = elapsed() - phases.startSeconds;
    say(`history: ${history.events} events aggregated and archived (pipeline caught up ${drained.toFixed(0)} s after the last one was sent)`);
    // The product recommender learns from the archive's views, cart adds and purchases: the
    // history's first, then each round's (recommendation clicks included).
    let productModel: { version: string; interactions: number; trainedTo: string } | null = null;
    const trainProducts = async (): Promise<{ version: string; seconds: number; interactions: number }> => {
      const started = elapsed();
      const trained = await runProductTraining({ archive: { container: stack.archive }, registry: stack.models, progress: (p) => progress?.({ ...p, step: `products: ${p.step}` }) });
      const returningUser = world.users.find((u) => !u.isNew);
      if (returningUser && !productModel) await waitForProductModel(stack.api, returningUser.id);
      // The watcher polls every ProductModelPollSeconds (2): the next round is served by this model.
      else await sleep(2500);
      const m = trained.manifest;
      productModel = { version: m.version, interactions: m.trainingData.interactions, trainedTo: m.trainingData.to };
      return { version: m.version, seconds: elapsed() - started, interactions: m.trainingData.interactions };
    };
    if (recommending) {
      const first = await trainProducts();
      say(`product model ${first.version} trained from the history's ${first.interactions} interactions in ${first.seconds.toFixed(1)} s and served`);
    }

    const groups = arrivalGroups(world.users, config.rounds);
    const regulars: SimUser[] = [...returning];
    const sessionsDone = new Map<string, number>();
    const rounds: RoundRecord[] = [];
    let cumulative = 0;
    let lastResult: TrainingRunResult | null = null;
    let rate = 0;
    let trainingCost = 45;
    let servingVersion: string | undefined;

    for (let r = 0; r < config.rounds; r++) {
      const planned = r === 0 ? config.firstRoundDecisions : config.decisionsPerRound;
      let target = planned;
      const isLast = r === config.rounds - 1;
      if (config.timeBudgetSeconds > 0 && rate > 0) {
        const left = config.timeBudgetSeconds - elapsed() - (isLast ? 10 : trainingCost) - (config.rounds - r - 1) * (trainingCost + 60);
        const affordable = Math.floor(rate * Math.max(0, left));
        if (affordable < target) {
          target = Math.max(500, affordable);
          say(`round ${r + 1}: shortened to ${target} decisions to stay within the ${config.timeBudgetSeconds} s budget (measured ${rate.toFixed(0)} decisions/s)`);
        }
      }
      const epsilon = isLast && config.rounds > 1 ? config.finalExploration : config.exploration;
      if (epsilon !== Number(stack.runtime.env.RankingExploration)) {
        await changeRankingSetting(stack.runtime, 'RankingExploration', String(epsilon));
        if (servingVersion) await waitForModelVersion(stack.api, world, servingVersion);
        say(`RankingExploration set to ${epsilon} (the model has learnt; less exploration)`);
      }
      // A shortened round admits only its share of the new users (the others never arrive), so it
      // keeps the planned mix of first sessions; carried over, they would crowd the next round.
      if (target < planned) groups[r].splice(Math.round((groups[r].length * target) / planned));
      say(`round ${r + 1}: ${target} decisions at exploration ${epsilon}, ${groups[r].length} new users arriving…`);
      // The system's own popularity list (its answer for a shopper it does not know), for comparison.
      const popular = recommending ? await fetchPopularList(stack.api, world.catalog, config.recommendationN) : [];
      const servingProducts = productModel;
      const traffic = await runTraffic(world, stack.api, {
        decisions: target,
        concurrency: config.concurrency,
        regulars,
        arrivals: groups[r],
        label: `round-${r + 1}`,
        sessionsDone,
        ...(recommending ? { recommendations: { share: config.recommendationShare, n: config.recommendationN, popular } } : {}),
        progress: (n) => progress?.({ step: `round ${r + 1}`, done: n, total: target }),
        log: (line) => say(`  ${line}`),
      });
      regulars.push(...groups[r]);
      phases.trafficSeconds += traffic.elapsedSeconds;
      rate = traffic.decisions / traffic.elapsedSeconds;
      cumulative += traffic.decisions;
      const record = roundRecord(r, traffic, cumulative, lastResult, epsilon, config.exploration);
      if (record.recommendations) record.recommendations.productModel = servingProducts;
      rounds.push(record);

      if (!isLast) {
        const waitStart = elapsed();
        // Training uses decisions whose reward window has closed and that the archive holds.
        await sleep((config.rewardWaitSeconds + 1) * 1000);
        await waitForPipeline(stack.runtime.env, { consumerGroups: [stack.runtime.env.ArchiveConsumerGroup || 'archive'] });
        const trainStart = elapsed();
        phases.waitingSeconds += trainStart - waitStart;
        const result = await runTraining({
          modelName: MODEL_NAME,
          archive: { container: stack.archive },
          registry: stack.models,
          promote: true,
          // The offer ranker's model is trained and judged on the offer slots' decisions only: the
          // recommendation lists' decisions (other actions, other rewards) would blur its
          // off-policy estimate, which the report compares with the offer CTR.
          sources: ['rank'],
          validationFraction: config.validationFraction,
          log: config.verbose ? (l) => say(`  trainer: ${l}`) : undefined,
          progress,
        });
        const trainSeconds = elapsed() - trainStart;
        phases.trainingSeconds += trainSeconds;
        let servedAfter: number | null = null;
        if (result.status === 'promoted' && result.version) {
          servedAfter = await waitForModelVersion(stack.api, world, result.version);
          servingVersion = result.version;
          phases.waitingSeconds += servedAfter;
        }
        lastResult = result;
        record.training = trainingRecord(result, trainSeconds, servedAfter);
        if (record.recommendations) {
          record.recommendations.training = await trainProducts();
          phases.trainingSeconds += record.recommendations.training.seconds;
        }
        trainingCost = elapsed() - waitStart;
      }
      for (const line of roundLines(record)) say(line);
    }

    const elapsedSeconds = elapsed();
    const targets = evaluateTargets(rounds, elapsedSeconds);
    fs.mkdirSync(config.outDir, { recursive: true });
    const chart = path.join(config.outDir, 'ctr-per-round.svg');
    fs.writeFileSync(chart, ctrChart(rounds));
    for (const line of targetLines(targets)) say(line);
    say(`chart: ${chart}`);
    const recSvg = recommendationChart(rounds);
    let recChart: string | null = null;
    if (recSvg) {
      recChart = path.join(config.outDir, 'recommendation-ctr-per-round.svg');
      fs.writeFileSync(recChart, recSvg);
      say(`recommendation chart: ${recChart}`);
    }
    const summary: DemoSummary = { demo: 'closed-loop', config, rounds, targets, phases, elapsedSeconds, chart, recommendationChart: recChart };
    fs.writeFileSync(path.join(config.outDir, 'summary.json'), JSON.stringify(summary, null, 2));
    return summary;
  } finally {
    await stack.close();
  }
}
