// The continuous-learning demo (`npm run demo`): nobody trains by hand. Each run starts the
// embedded system with the retrainModel timer on (ticking every few seconds, training whenever the
// service configuration's modelExportFrequency has passed), configures it through the Personalizer
// API as an operator would, seeds the shop and sends traffic in chunks while the timer trains,
// gates and promotes in the background. Reported per run: when the first model was promoted, every
// promotion, and the lift captured (served and greedy, as a share of the oracle's lift over random)
// of the latest chunk at each checkpoint. Runs: epsilon-greedy, SquareCB, and Apprentice mode with
// the automatic switch to Online.
import fs from 'node:fs';
import path from 'node:path';
import type { HostLogger } from '../local/host/hostLogger';
import { readLearningState } from '../../src/training/continuousLearning/learningState';
import { seedCatalog, sendHistory } from '../simulator/seedShop';
import { createWorld } from '../simulator/simWorld';
import { runTraffic } from '../simulator/traffic';
import { PolicyTally, type PolicySummary } from '../simulator/policyTally';
import type { SimUser } from '../simulator/population';
import { startDemoStack, type DemoStack } from './demoStack';
import { waitForPipeline } from './pipelineDrain';
import { personalizerAdmin, type PersonalizerAdmin } from './personalizerAdmin';
import type { TrainingProgress } from '../../src/training';

export type DemoPolicy = 'epsilon' | 'squarecb';

export interface ContinuousDemoConfig {
  seed: number;
  users: number;
  newShare: number;
  offers: number;
  concurrency: number;
  /** Decisions at which the lift is reported (the last one ends the run). */
  checkpoints: number[];
  /** Decisions per traffic chunk; the lift at a checkpoint is that of the chunk ending there. */
  chunk: number;
  policies: DemoPolicy[];
  epsilon: number;
  /** Learning settings of the SquareCB run. */
  squareCbArguments: string;
  /** Apprentice run: at most this many decisions before the switch (0: no Apprentice run). */
  apprenticeDecisions: number;
  /** And this many after it, Online. */
  afterSwitchDecisions: number;
  apprenticeMargin: number;
  apprenticeMinEvents: number;
  /** modelExportFrequency (the model update frequency), seconds (the API's minimum is 30). */
  updateSeconds: number;
  rewardWaitSeconds: number;
  /** RetrainMaxDecisions: the sliding window a run trains on. */
  windowDecisions: number;
  outDir: string;
  keepData: boolean;
  verbose: boolean;
}

export const CONTINUOUS_DEFAULTS: ContinuousDemoConfig = {
  seed: 7,
  users: 1500,
  newShare: 0.3,
  offers: 10,
  concurrency: 24,
  checkpoints: [50_000, 200_000],
  chunk: 5000,
  policies: ['epsilon', 'squarecb'],
  epsilon: 0.2,
  squareCbArguments: '--cb_explore_adf --squarecb --gamma_scale 10 --gamma_exponent 0.5 --dsjson',
  apprenticeDecisions: 60_000,
  afterSwitchDecisions: 10_000,
  apprenticeMargin: 0.02,
  apprenticeMinEvents: 5000,
  updateSeconds: 30,
  rewardWaitSeconds: 10,
  windowDecisions: 30_000,
  outDir: 'test-output/demo',
  keepData: false,
  verbose: false,
};

/** App settings: continuous learning on, ticking every 5 s; the cadence itself comes from the service configuration. */
export function continuousSettings(c: ContinuousDemoConfig): Record<string, string> {
  return {
    RankingExploration: String(c.epsilon),
    RankingModelPollSeconds: '2',
    RankingConfigRefreshSeconds: '2',
    RankingPriorsRefreshSeconds: '30',
    RankingRewardWaitSeconds: String(c.rewardWaitSeconds),
    AggregationWindowsMinutes: '1440',
    RetrainSchedule: '*/5 * * * * *',
    RetrainMaxDecisions: String(c.windowDecisions),
    // The demo's offers only: product recommendations have their own demo (docs/demo.md).
    'AzureWebJobs.retrainProducts.Disabled': 'true',
  };
}

export interface ChunkRecord {
  decisions: number;
  seconds: number;
  served: number;
  greedy: number;
  modelVersions: Record<string, number>;
}

export interface Promotion {
  version: string;
  secondsFromStart: number;
  secondsFromTraffic: number;
  decisions: number;
}

export interface CheckpointRecord {
  decisions: number;
  secondsFromTraffic: number;
  /** The chunk ending here: lift captured as served and greedy. */
  served: number;
  greedy: number;
  summary: PolicySummary;
}

export interface PolicyRun {
  policy: DemoPolicy | 'apprentice';
  arguments: string;
  appliedArguments: string[];
  ignoredArguments: string[];
  startSeconds: number;
  seedSeconds: number;
  firstPromotion: Promotion | null;
  promotions: Promotion[];
  checkpoints: CheckpointRecord[];
  chunks: ChunkRecord[];
  decisions: number;
  trafficSeconds: number;
  decisionsPerSecond: number;
  elapsedSeconds: number;
  /** Apprentice run only. */
  apprentice?: ApprenticeOutcome;
}

export interface ApprenticeOutcome {
  switched: boolean;
  switchedAtDecisions: number | null;
  secondsFromTraffic: number | null;
  verdict: { decision: string; reason: string; margin: number; minEvents: number } | null;
  metrics: Record<string, unknown> | null;
  /** Lift captured as served while in Apprentice mode (the rotating baseline) and after the switch. */
  servedBefore: number | null;
  servedAfter: number | null;
  greedyAfter: number | null;
}

export interface ContinuousSummary {
  demo: 'continuous-learning';
  config: ContinuousDemoConfig;
  runs: PolicyRun[];
  elapsedSeconds: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serviceBody(c: ContinuousDemoConfig, learningMode: 'Online' | 'Apprentice') {
  return {
    rewardWaitTime: `PT${c.rewardWaitSeconds}S`,
    defaultReward: 0,
    rewardAggregation: 'earliest',
    explorationPercentage: c.epsilon,
    modelExportFrequency: `PT${c.updateSeconds}S`,
    logRetentionDays: -1,
    learningMode,
  };
}

function arrivalGroups(users: SimUser[], groups: number): SimUser[][] {
  const fresh = users.filter((u) => u.isNew);
  const per = Math.ceil(fresh.length / Math.max(1, groups));
  return Array.from({ length: groups }, (_, r) => fresh.slice(r * per, (r + 1) * per));
}

interface RunOptions {
  policy: DemoPolicy | 'apprentice';
  arguments: string;
  learningMode: 'Online' | 'Apprentice';
}

async function runOne(c: ContinuousDemoConfig, appRoot: string, o: RunOptions, say: (line: string) => void, progress?: (p: TrainingProgress) => void): Promise<PolicyRun> {
  const t0 = Date.now();
  const since = (t: number) => (Date.now() - t) / 1000;
  const logger: HostLogger = c.verbose
    ? { info: () => {}, warn: (m) => say(`host: ${m}`), error: (m) => say(`host error: ${m}`) }
    : { info: () => {}, warn: () => {}, error: (m) => say(`host error: ${m.split('\n')[0].slice(0, 200)}`) };
  say(`[${o.policy}] starting the embedded system with continuous learning on…`);
  const stack: DemoStack = await startDemoStack({ appRoot, overrides: continuousSettings(c), logger, keepData: c.keepData, eventHubPartitions: 2 });
  const startSeconds = since(t0);
  let stopWatch = false;
  try {
    const admin: PersonalizerAdmin = personalizerAdmin(stack.runtime.url!, stack.runtime.env.PersonalizerApiKeys.split(',')[0]);
    // As an operator's script: the cadence and rewards first, a mode change alone (Personalizer's rule), then the learning settings.
    await admin.putService(serviceBody(c, 'Online'));
    if (o.learningMode === 'Apprentice') await admin.putService(serviceBody(c, 'Apprentice'));
    const policy = await admin.putPolicy(o.policy, o.arguments);
    say(`[${o.policy}] learning settings "${o.arguments}": applied ${policy.appliedArguments.join(' ')}${policy.ignoredArguments.length ? `; ignored ${policy.ignoredArguments.join('; ')}` : ''}`);

    const world = createWorld({ seed: c.seed, users: c.users, newShare: c.newShare, offers: c.offers });
    const returning = world.users.filter((u) => !u.isNew);
    await seedCatalog(world, stack.api);
    const history = await sendHistory(world, stack.api);
    await waitForPipeline(stack.runtime.env);
    const seedSeconds = since(t0) - startSeconds;
    say(`[${o.policy}] seeded ${world.catalog.offers.length} offers and ${history.events} history events in ${seedSeconds.toFixed(0)} s`);

    const trafficStart = Date.now();
    let decisions = 0;
    // Decisions answered so far, chunk in progress included (for the watchers' timestamps).
    let live = 0;
    // The timer's outcome, read as an operator would: the learning state next to the model.
    const promotions: Promotion[] = [];
    const watch = (async () => {
      let seen = 0;
      while (!stopWatch) {
        try {
          const { state } = await readLearningState(stack.models, 'offer-ranker');
          if (state && state.promotions > seen) {
            seen = state.promotions;
            const p = { version: state.lastVersion ?? '?', secondsFromStart: since(t0), secondsFromTraffic: since(trafficStart), decisions: live };
            promotions.push(p);
            say(`[${o.policy}] the learning cycle promoted ${p.version} (promotion ${seen}) after ${p.decisions} decisions, ${p.secondsFromTraffic.toFixed(0)} s into the traffic`);
          }
        } catch {
          // not written yet
        }
        await sleep(1000);
      }
    })();

    let switchedAt: { decisions: number; seconds: number } | null = null;
    let lastService: Record<string, any> | null = null; // eslint-disable-line @typescript-eslint/no-explicit-any
    const modeWatch =
      o.learningMode === 'Apprentice'
        ? (async () => {
            while (!stopWatch && !switchedAt) {
              try {
                lastService = await admin.getService();
                if (lastService.learningMode === 'Online') {
                  switchedAt = { decisions: live, seconds: since(trafficStart) };
                  say(`[${o.policy}] the learner switched the resource to Online after ${live} decisions: ${lastService.latestApprenticeModeMetrics?.autoOnline?.reason ?? '(no reason recorded)'}`);
                }
              } catch {
                // retried
              }
              await sleep(2000);
            }
          })()
        : Promise.resolve();

    const last = o.learningMode === 'Apprentice' ? c.apprenticeDecisions + c.afterSwitchDecisions : Math.max(...c.checkpoints);
    const chunks: ChunkRecord[] = [];
    const checkpoints: CheckpointRecord[] = [];
    const groups = arrivalGroups(world.users, Math.ceil(last / c.chunk));
    const regulars: SimUser[] = [...returning];
    const sessionsDone = new Map<string, number>();
    let beforeTally: PolicyTally | null = o.learningMode === 'Apprentice' ? new PolicyTally() : null;
    const afterTally = new PolicyTally();
    let afterDecisions = 0;
    for (let i = 0; decisions < last; i++) {
      if (o.learningMode === 'Apprentice' && switchedAt === null && decisions >= c.apprenticeDecisions) break;
      if (o.learningMode === 'Apprentice' && afterDecisions >= c.afterSwitchDecisions) break;
      const target = Math.min(c.chunk, last - decisions);
      const chunkStart = Date.now();
      const online = switchedAt !== null;
      const traffic = await runTraffic(world, stack.api, {
        decisions: target,
        concurrency: c.concurrency,
        regulars,
        arrivals: groups[i] ?? [],
        label: `${o.policy}-chunk-${i + 1}`,
        sessionsDone,
        rotateActions: o.learningMode === 'Apprentice',
        progress: (n) => {
          live = decisions + n;
          progress?.({ step: `${o.policy}: decisions`, done: live, total: last });
        },
        log: (line) => say(`  ${line}`),
      });
      regulars.push(...(groups[i] ?? []));
      decisions += traffic.decisions;
      const s = traffic.tally.summary();
      const record: ChunkRecord = { decisions, seconds: (Date.now() - chunkStart) / 1000, served: s.liftCaptured, greedy: s.greedyLiftCaptured, modelVersions: traffic.modelVersions };
      chunks.push(record);
      // A chunk in which the switch happened counts neither before nor after it.
      if (beforeTally && switchedAt === null) beforeTally.merge(traffic.tally);
      if (online) {
        afterTally.merge(traffic.tally);
        afterDecisions += traffic.decisions;
      }
      const served = Object.entries(traffic.modelVersions).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
      say(
        `[${o.policy}] ${decisions} decisions (${(traffic.decisions / record.seconds).toFixed(0)}/s, served by ${served}): lift captured ${pct(s.liftCaptured)} served / ${pct(s.greedyLiftCaptured)} greedy` +
          ` (CTR ${pct(s.expectedCtr)}, random ${pct(s.randomCtr)}, oracle ${pct(s.oracleCtr)})`,
      );
      for (const at of c.checkpoints) {
        if (o.learningMode === 'Online' && decisions >= at && decisions - traffic.decisions < at) {
          checkpoints.push({ decisions, secondsFromTraffic: since(trafficStart), served: s.liftCaptured, greedy: s.greedyLiftCaptured, summary: s });
        }
      }
    }
    const trafficSeconds = since(trafficStart);
    stopWatch = true;
    await Promise.all([watch, modeWatch]);
    let apprentice: ApprenticeOutcome | undefined;
    if (o.learningMode === 'Apprentice') {
      const service = await admin.getService();
      const m = (service.latestApprenticeModeMetrics ?? null) as Record<string, any> | null; // eslint-disable-line @typescript-eslint/no-explicit-any
      const sw = switchedAt as { decisions: number; seconds: number } | null;
      const after = afterDecisions > 0 ? afterTally.summary() : null;
      apprentice = {
        switched: service.learningMode === 'Online',
        switchedAtDecisions: sw?.decisions ?? null,
        secondsFromTraffic: sw?.seconds ?? null,
        verdict: m?.autoOnline ?? null,
        metrics: m,
        servedBefore: beforeTally && beforeTally.decisions > 0 ? beforeTally.summary().liftCaptured : null,
        servedAfter: after?.liftCaptured ?? null,
        greedyAfter: after?.greedyLiftCaptured ?? null,
      };
      beforeTally = null;
      say(`[apprentice] ${apprentice.switched ? 'switched to Online' : 'still in Apprentice mode'}; the learner's verdict: ${apprentice.verdict ? `${apprentice.verdict.decision}: ${apprentice.verdict.reason}` : 'none yet'}`);
    }
    const run: PolicyRun = {
      policy: o.policy,
      arguments: o.arguments,
      appliedArguments: policy.appliedArguments,
      ignoredArguments: policy.ignoredArguments,
      startSeconds,
      seedSeconds,
      firstPromotion: promotions[0] ?? null,
      promotions,
      checkpoints,
      chunks,
      decisions,
      trafficSeconds,
      decisionsPerSecond: decisions / trafficSeconds,
      elapsedSeconds: since(t0),
      ...(apprentice ? { apprentice } : {}),
    };
    return run;
  } finally {
    stopWatch = true;
    await stack.close();
  }
}

/** Each run on a fresh embedded system (no model, no log): the policies one after another, then Apprentice. */
export async function runContinuousDemo(c: ContinuousDemoConfig, appRoot: string, print: (line: string) => void, progress?: (p: TrainingProgress) => void): Promise<ContinuousSummary> {
  const t0 = Date.now();
  const say = (line: string) => print(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const runs: PolicyRun[] = [];
  for (const policy of c.policies) {
    const args = policy === 'squarecb' ? c.squareCbArguments : `--cb_explore_adf --epsilon ${c.epsilon} --dsjson`;
    runs.push(await runOne(c, appRoot, { policy, arguments: args, learningMode: 'Online' }, say, progress));
  }
  if (c.apprenticeDecisions > 0) {
    const args = `--cb_explore_adf --epsilon ${c.epsilon} --dsjson --auto_online_margin ${c.apprenticeMargin} --auto_online_min_events ${c.apprenticeMinEvents}`;
    runs.push(await runOne(c, appRoot, { policy: 'apprentice', arguments: args, learningMode: 'Apprentice' }, say, progress));
  }
  for (const line of summaryLines(runs)) say(line);
  const summary: ContinuousSummary = { demo: 'continuous-learning', config: c, runs, elapsedSeconds: (Date.now() - t0) / 1000 };
  fs.mkdirSync(c.outDir, { recursive: true });
  fs.writeFileSync(path.join(c.outDir, 'continuous-summary.json'), JSON.stringify(summary, null, 2));
  return summary;
}

/** The closing table: first promotion, and the lift at each checkpoint, per run. */
export function summaryLines(runs: readonly PolicyRun[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    const first = r.firstPromotion ? `first model promoted ${r.firstPromotion.secondsFromStart.toFixed(0)} s after start (${r.firstPromotion.secondsFromTraffic.toFixed(0)} s, ${r.firstPromotion.decisions} decisions into the traffic)` : 'no model promoted';
    lines.push(`${r.policy}: ${first}; ${r.promotions.length} promotions; ${r.decisions} decisions at ${r.decisionsPerSecond.toFixed(0)}/s`);
    for (const cp of r.checkpoints) lines.push(`  after ${cp.decisions} decisions: lift captured ${pct(cp.served)} served / ${pct(cp.greedy)} greedy`);
    if (r.apprentice) {
      const a = r.apprentice;
      lines.push(
        `  apprentice: ${a.switched ? `switched to Online after ${a.switchedAtDecisions} decisions (${a.secondsFromTraffic?.toFixed(0)} s)` : 'not switched'}; served before ${a.servedBefore === null ? '-' : pct(a.servedBefore)}, after ${a.servedAfter === null ? '-' : pct(a.servedAfter)} served / ${a.greedyAfter === null ? '-' : pct(a.greedyAfter)} greedy`,
      );
      if (a.verdict) lines.push(`  the learner's decision: ${a.verdict.decision}: ${a.verdict.reason}`);
    }
  }
  return lines;
}
