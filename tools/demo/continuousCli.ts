// `npm run demo [-- --checkpoints 50000,200000 --policies epsilon,squarecb --apprentice 60000]`: the
// continuous-learning demo on the embedded system (continuousDemo.ts): the retrainModel timer
// trains and promotes, nobody trains by hand. The last line printed is the JSON summary. The
// earlier round-based demo (training between rounds) is `npm run demo:rounds`.
import path from 'node:path';
import { CliUsageError, command, flag, list, nonNegativeInteger, number, oneOf, option, parseCommandLine, positiveInteger, runCommand, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer } from '../cli/progress';
import { CONTINUOUS_DEFAULTS, runContinuousDemo, type ContinuousDemoConfig } from './continuousDemo';

const d = CONTINUOUS_DEFAULTS;
const share = number({ min: 0, max: 1 });

const CONTINUOUS_COMMAND = command({
  usage: 'npm run demo -- [options]',
  options: {
    checkpoints: option('decisions at which the lift is reported; the last ends each run', list(positiveInteger), { default: d.checkpoints, defaultText: d.checkpoints.join(',') }),
    chunk: option('decisions per traffic chunk (the lift at a checkpoint is the last chunk\'s)', positiveInteger, { default: d.chunk }),
    policies: option('Online runs, one after another', list(oneOf(['epsilon', 'squarecb'] as const)), { default: d.policies, defaultText: d.policies.join(',') }),
    epsilon: option('explorationPercentage of the epsilon-greedy and Apprentice runs', share, { default: d.epsilon }),
    squarecb: option('learning settings of the SquareCB run', text, { default: d.squareCbArguments }),
    apprentice: option('Apprentice run: at most this many decisions before the switch; 0 = no Apprentice run', nonNegativeInteger, { default: d.apprenticeDecisions }),
    'after-switch': option('decisions served Online after the switch', nonNegativeInteger, { default: d.afterSwitchDecisions }),
    margin: option('--auto_online_margin of the Apprentice run', share, { default: d.apprenticeMargin }),
    'min-events': option('--auto_online_min_events of the Apprentice run', positiveInteger, { default: d.apprenticeMinEvents }),
    'update-seconds': option('modelExportFrequency in seconds (30 or more)', positiveInteger, { default: d.updateSeconds }),
    window: option('RetrainMaxDecisions: decisions a training run reads (its sliding window)', positiveInteger, { default: d.windowDecisions }),
    users: option('simulated users', nonNegativeInteger, { default: d.users }),
    offers: option('offers in the catalog (2-50)', nonNegativeInteger, { default: d.offers }),
    concurrency: option('simulated sessions at a time', nonNegativeInteger, { default: d.concurrency }),
    seed: option('random seed', nonNegativeInteger, { default: d.seed }),
    out: option('where continuous-summary.json goes', text, { placeholder: '<dir>', default: d.outDir }),
    'keep-data': flag("keep the embedded systems' data folders"),
    verbose: flag('host warnings'),
  },
  notes: 'The last line printed is the JSON summary; progress goes to stderr. The round-based demo: npm run demo:rounds.',
});

function continuousConfig(v: OptionValues<typeof CONTINUOUS_COMMAND.options>): ContinuousDemoConfig {
  if (v.checkpoints.length === 0) throw new CliUsageError('--checkpoints needs at least one number of decisions');
  if (v['update-seconds'] < 30) throw new CliUsageError(`--update-seconds must be at least 30 (modelExportFrequency's minimum), got ${v['update-seconds']}`);
  return {
    ...d,
    seed: v.seed,
    users: v.users,
    offers: v.offers,
    concurrency: v.concurrency,
    checkpoints: [...v.checkpoints].sort((a, b) => a - b),
    chunk: v.chunk,
    policies: v.policies,
    epsilon: v.epsilon,
    squareCbArguments: v.squarecb,
    apprenticeDecisions: v.apprentice,
    afterSwitchDecisions: v['after-switch'],
    apprenticeMargin: v.margin,
    apprenticeMinEvents: v['min-events'],
    updateSeconds: v['update-seconds'],
    windowDecisions: v.window,
    outDir: v.out,
    keepData: v['keep-data'],
    verbose: v.verbose,
  };
}

export function parseContinuousDemoArgs(argv: string[]): ContinuousDemoConfig | 'help' {
  const line = parseCommandLine(CONTINUOUS_COMMAND, argv);
  return line.help ? 'help' : continuousConfig(line.values);
}

async function main(config: ContinuousDemoConfig): Promise<void> {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  process.on('unhandledRejection', (reason) => console.error(`unhandled rejection: ${(reason as Error)?.stack ?? reason}`));
  const progress = createProgressRenderer(process.stderr);
  const summary = await runContinuousDemo(config, appRoot, (line) => progress.log(line, process.stdout), (p) => progress.update(p));
  progress.end();
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  void runCommand(CONTINUOUS_COMMAND, (values) => main(continuousConfig(values)), { failurePrefix: 'demo failed' });
}
