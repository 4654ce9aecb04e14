// Shared by the campaign CLIs: arguments, app settings (environment first, then
// local.settings.json's Values, as `func start` would), clear errors and exit codes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readLocalSettings } from '../local/host/hostConfig';
import { SettingsError } from '../../src/config/settings';
import { ModelRegistryError } from '../../src/models/modelRegistry';
import { CampaignDataError } from '../../src/campaign/data/dataIssues';
import { CampaignSourceError } from '../../src/campaign/data/campaignSource';
import { CampaignModelError } from '../../src/campaign/model/campaignModel';
import { TrainingDataError } from '../../src/training/trainingDataError';
import { PlanJobError } from '../../src/campaign/plan/planCampaign';

/** Errors that explain themselves: printed without a stack trace. */
const EXPECTED = [CampaignDataError, CampaignSourceError, CampaignModelError, TrainingDataError, PlanJobError, ModelRegistryError, SettingsError];

export class CliUsageError extends Error {}

export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}\n${usage}`);
  }
}

/** Fills unset app settings from local.settings.json in the working folder, if there is one. */
export function loadLocalSettings(cwd = process.cwd()): void {
  for (const [key, value] of Object.entries(readLocalSettings(cwd).values)) if (process.env[key] === undefined) process.env[key] = value;
}

export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Runs a CLI's main, printing errors without a stack for the expected kinds; exit 1 on failure, 2 on usage. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof CliUsageError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(EXPECTED.some((E) => error instanceof E) ? (error as Error).message : (error as Error)?.stack ?? String(error));
      process.exit(1);
    },
  );
}
