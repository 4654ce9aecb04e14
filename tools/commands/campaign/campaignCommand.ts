// What the campaign CLIs share beyond the command line: the errors that explain themselves and
// the progress display on stderr (their settings come from tools/local/localSettings.ts).
import { runCommand, type CommandSpec, type OptionSpecs, type OptionValues } from '../../cli/commandLine';
import { createProgressRenderer, type ProgressRenderer } from '../../cli/progress';
import { SettingsError } from '../../../src/config/settings';
import { ModelRegistryError } from '../../../src/models/modelRegistry';
import { CampaignDataError } from '../../../src/campaign/data/dataIssues';
import { CampaignSourceError } from '../../../src/campaign/data/campaignSource';
import { CampaignModelError } from '../../../src/campaign/model/campaignModel';
import { TrainingDataError } from '../../../src/training/trainingDataError';
import { PlanJobError } from '../../../src/campaign/plan/planCampaign';

/** Errors that explain themselves: printed without a stack trace. */
export const CAMPAIGN_ERRORS = [CampaignDataError, CampaignSourceError, CampaignModelError, TrainingDataError, PlanJobError, ModelRegistryError, SettingsError];


/**
 * Runs a campaign command: main gets the option values and a progress renderer on stderr (log
 * lines through it too, so they never break a bar); exit 0, 1 on failure, 2 on a usage error.
 */
export function runCampaignCommand<S extends OptionSpecs>(
  spec: CommandSpec<S>,
  main: (args: OptionValues<S>, progress: ProgressRenderer) => Promise<void>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<number> {
  return runCommand(spec, async (args) => {
    const progress = createProgressRenderer(process.stderr);
    try {
      await main(args, progress);
    } finally {
      progress.end();
    }
  }, { expected: CAMPAIGN_ERRORS, argv });
}
