// Command line of `npm run train -- …` (tools/cli/train.ts).

export const USAGE = `Usage: npm run train -- --model offers [options]

  --model offers|<name>    'offers' trains the model the ranker serves (RankingModelName,
                           default offer-ranker); any other value is a registry name
  --from <ISO time>        first decision issue time (inclusive); default: the whole archive
  --to <ISO time>          end of the decision issue times (exclusive)
  --archive-folder <dir>   read Capture Avro files under a local folder instead of the
                           archive container (ArchiveStorage / ArchiveContainer)
  --no-promote             register the model and its report, never promote it
  --min-decisions <n>      gate (default RetrainMinDecisions, 1000)
  --min-positives <n>      gate (default RetrainMinPositives, 50)
  --margin <x>             policy-value margin in reward units (default RetrainPolicyValueMargin, 0.01)
  --help

Exit codes: 0 trained (promoted or registered), 2 rejected (bad or insufficient data), 1 error.
Progress goes to stderr; the summary to stdout, its last line one JSON object.`;

export class CliUsageError extends Error {}

export interface CliArgs {
  help: boolean;
  model: string;
  from?: Date;
  to?: Date;
  archiveFolder?: string;
  promote: boolean;
  minDecisions?: number;
  minPositives?: number;
  margin?: number;
}

function time(value: string, flag: string): Date {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(ms)) throw new CliUsageError(`${flag}: "${value}" is not an ISO 8601 time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`);
  return new Date(ms);
}

function number(value: string, flag: string, integer: boolean): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new CliUsageError(`${flag}: "${value}" must be ${integer ? 'a whole number' : 'a number'} ≥ 0`);
  }
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: Partial<CliArgs> & { promote: boolean; help: boolean } = { promote: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new CliUsageError(`${flag}: needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--model':
        args.model = value();
        break;
      case '--from':
        args.from = time(value(), flag);
        break;
      case '--to':
        args.to = time(value(), flag);
        break;
      case '--archive-folder':
        args.archiveFolder = value();
        break;
      case '--no-promote':
        args.promote = false;
        break;
      case '--min-decisions':
        args.minDecisions = number(value(), flag, true);
        break;
      case '--min-positives':
        args.minPositives = number(value(), flag, false);
        break;
      case '--margin':
        args.margin = number(value(), flag, false);
        break;
      default:
        throw new CliUsageError(`unknown argument "${argv[i]}"`);
    }
  }
  if (args.help) return { ...args, model: args.model ?? '' } as CliArgs;
  if (!args.model) throw new CliUsageError('--model is required (e.g. --model offers)');
  if (args.from && args.to && !(args.from < args.to)) throw new CliUsageError('--from must be before --to');
  return args as CliArgs;
}
