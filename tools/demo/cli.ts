// `npm run demo [-- --rounds 5 --decisions 4000 --seed 7 --out demo-output --verbose]`: the
// closed-loop demo on the embedded system, no configuration needed. The last line printed is the
// JSON summary.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_DEFAULTS, type DemoConfig } from './demoConfig';
import { runDemo } from './runDemo';

const HELP = `Usage: npm run demo -- [options]
  --rounds <n>            rounds of traffic (the first is ranked by the priors)   (${DEMO_DEFAULTS.rounds})
  --first <n>             decisions in the first round                            (${DEMO_DEFAULTS.firstRoundDecisions})
  --decisions <n>         decisions in each later round                           (${DEMO_DEFAULTS.decisionsPerRound})
  --users <n>             simulated users                                         (${DEMO_DEFAULTS.users})
  --new-share <f>         share of users without history, arriving over the rounds (${DEMO_DEFAULTS.newShare})
  --offers <n>            offers in the catalog (2-50)                            (${DEMO_DEFAULTS.offers})
  --exploration <f>       RankingExploration (epsilon) while learning             (${DEMO_DEFAULTS.exploration})
  --final-exploration <f> RankingExploration of the last round                    (${DEMO_DEFAULTS.finalExploration})
  --validation <f>        share of decisions the trainer validates on            (${DEMO_DEFAULTS.validationFraction})
  --concurrency <n>       simulated sessions at a time                            (${DEMO_DEFAULTS.concurrency})
  --seed <n>              random seed                                             (${DEMO_DEFAULTS.seed})
  --budget <s>            shorten later rounds to finish within this; 0 = never   (${DEMO_DEFAULTS.timeBudgetSeconds})
  --out <dir>             where the chart and summary.json go                    (${DEMO_DEFAULTS.outDir})
  --keep-data             keep the embedded system's data folder
  --verbose               host warnings and trainer log lines`;

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
  return n;
}

export function parseDemoArgs(argv: string[]): DemoConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' }, first: { type: 'string' }, decisions: { type: 'string' }, users: { type: 'string' },
      'new-share': { type: 'string' }, offers: { type: 'string' }, exploration: { type: 'string' },
      'final-exploration': { type: 'string' }, validation: { type: 'string' }, concurrency: { type: 'string' },
      seed: { type: 'string' }, budget: { type: 'string' }, out: { type: 'string' }, 'keep-data': { type: 'boolean' },
      verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const d = DEMO_DEFAULTS;
  const config: DemoConfig = {
    seed: num(values.seed, 'seed', d.seed),
    users: num(values.users, 'users', d.users),
    newShare: num(values['new-share'], 'new-share', d.newShare),
    offers: num(values.offers, 'offers', d.offers),
    rounds: num(values.rounds, 'rounds', d.rounds),
    firstRoundDecisions: num(values.first, 'first', d.firstRoundDecisions),
    decisionsPerRound: num(values.decisions, 'decisions', d.decisionsPerRound),
    concurrency: num(values.concurrency, 'concurrency', d.concurrency),
    exploration: num(values.exploration, 'exploration', d.exploration),
    finalExploration: num(values['final-exploration'], 'final-exploration', values.exploration !== undefined && values['final-exploration'] === undefined ? Number(values.exploration) : d.finalExploration),
    validationFraction: num(values.validation, 'validation', d.validationFraction),
    rewardWaitSeconds: d.rewardWaitSeconds,
    timeBudgetSeconds: num(values.budget, 'budget', d.timeBudgetSeconds),
    outDir: values.out ?? d.outDir,
    keepData: values['keep-data'] ?? false,
    verbose: values.verbose ?? false,
  };
  if (config.rounds < 1 || !Number.isInteger(config.rounds)) throw new Error('--rounds must be a whole number ≥ 1');
  if (config.exploration > 1 || config.finalExploration > 1) throw new Error('--exploration and --final-exploration must be between 0 and 1');
  if (!(config.validationFraction > 0 && config.validationFraction < 1)) throw new Error('--validation must be between 0 and 1');
  if (config.newShare >= 1) throw new Error('--new-share must be below 1');
  return config;
}

async function main(): Promise<void> {
  const config = parseDemoArgs(process.argv.slice(2));
  if (config === 'help') {
    console.log(HELP);
    return;
  }
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  process.on('unhandledRejection', (reason) => console.error(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`));
  const summary = await runDemo(config, appRoot, (line) => console.log(line));
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`demo failed: ${(error as Error)?.stack ?? error}`);
      process.exit(1);
    },
  );
}
