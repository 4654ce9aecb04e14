// `npm run demo [-- --rounds 5 --decisions 4000 --seed 7 --out demo-output --verbose]`: the
// closed-loop demo on the embedded system, no configuration needed. The last line printed is the
// JSON summary.
import path from 'node:path';
import { CliUsageError, command, flag, parseCommandLine, nonNegativeInteger, nonNegativeNumber, number, option, positiveInteger, runCommand, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer } from '../cli/progress';
import { DEMO_DEFAULTS, type DemoConfig } from './demoConfig';
import { runDemo } from './runDemo';

const d = DEMO_DEFAULTS;
const share = number({ min: 0, max: 1 });

const DEMO_COMMAND = command({
  usage: 'npm run demo -- [options]',
  options: {
    rounds: option('rounds of traffic (the first is ranked by the priors)', positiveInteger, { default: d.rounds }),
    first: option('decisions in the first round', nonNegativeInteger, { default: d.firstRoundDecisions }),
    decisions: option('decisions in each later round', nonNegativeInteger, { default: d.decisionsPerRound }),
    users: option('simulated users', nonNegativeInteger, { default: d.users }),
    'new-share': option('share of users without history, arriving over the rounds (below 1)', share, { default: d.newShare }),
    offers: option('offers in the catalog (2-50)', nonNegativeInteger, { default: d.offers }),
    exploration: option('RankingExploration (epsilon) while learning', share, { placeholder: '<f>', defaultText: String(d.exploration) }),
    'final-exploration': option('RankingExploration of the last round', share, { placeholder: '<f>', defaultText: `${d.finalExploration}; --exploration when only that is given` }),
    validation: option('share of decisions the trainer validates on (between 0 and 1)', share, { placeholder: '<f>', default: d.validationFraction }),
    recommendations: option('share of sessions that open with a recommendation list; 0 = none', share, { placeholder: '<f>', default: d.recommendationShare }),
    'recommendation-n': option('products per recommendation list (1-50)', positiveInteger, { default: d.recommendationN }),
    concurrency: option('simulated sessions at a time', nonNegativeInteger, { default: d.concurrency }),
    seed: option('random seed', nonNegativeInteger, { default: d.seed }),
    budget: option('shorten later rounds to finish within this; 0 = never', nonNegativeNumber, { placeholder: '<s>', default: d.timeBudgetSeconds }),
    out: option('where the chart and summary.json go', text, { placeholder: '<dir>', default: d.outDir }),
    'keep-data': flag("keep the embedded system's data folder"),
    verbose: flag('host warnings and trainer log lines'),
  },
  notes: 'The last line printed is the JSON summary; round progress goes to stderr.',
});

function demoConfig(v: OptionValues<typeof DEMO_COMMAND.options>): DemoConfig {
  const config: DemoConfig = {
    seed: v.seed,
    users: v.users,
    newShare: v['new-share'],
    offers: v.offers,
    rounds: v.rounds,
    firstRoundDecisions: v.first,
    decisionsPerRound: v.decisions,
    concurrency: v.concurrency,
    exploration: v.exploration ?? d.exploration,
    finalExploration: v['final-exploration'] ?? v.exploration ?? d.finalExploration,
    validationFraction: v.validation,
    rewardWaitSeconds: d.rewardWaitSeconds,
    recommendationShare: v.recommendations,
    recommendationN: v['recommendation-n'],
    timeBudgetSeconds: v.budget,
    outDir: v.out,
    keepData: v['keep-data'],
    verbose: v.verbose,
  };
  if (!(config.validationFraction > 0 && config.validationFraction < 1)) throw new CliUsageError('--validation must be between 0 and 1 (both excluded)');
  if (config.newShare >= 1) throw new CliUsageError('--new-share must be below 1');
  if (config.recommendationN > 50) throw new CliUsageError(`--recommendation-n must be from 1 to 50 (RecommendationsMaxN's default), got ${config.recommendationN}`);
  return config;
}

export function parseDemoArgs(argv: string[]): DemoConfig | 'help' {
  const line = parseCommandLine(DEMO_COMMAND, argv);
  return line.help ? 'help' : demoConfig(line.values);
}

async function main(config: DemoConfig): Promise<void> {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  process.on('unhandledRejection', (reason) => console.error(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`));
  const progress = createProgressRenderer(process.stderr);
  const summary = await runDemo(config, appRoot, (line) => progress.log(line, process.stdout), (p) => progress.update(p));
  progress.end();
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  void runCommand(DEMO_COMMAND, (values) => main(demoConfig(values)), { failurePrefix: 'demo failed' });
}
