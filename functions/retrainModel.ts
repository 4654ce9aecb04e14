import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { contextLog } from '../src/common/structuredLog';
import { RETRAIN_FUNCTION_NAME, retrainSchedule } from '../src/config/trainingSettings';
import { retrainOnSchedule } from '../src/training/retrainJob';
import { resolveModelName } from '../src/training/offers/trainingTargets';
import { withRetrainRecords } from '../src/training/retrainRecords';

// Scheduled retraining, OFF by default: it runs only when AzureWebJobs.retrainModel.Disabled is
// "false"; the schedule is RetrainSchedule (NCRONTAB, UTC, default 03:00 daily). docs/training.md.
// Records retraining.failed / model.promoted / retraining.completed (docs/observability.md).
app.timer(RETRAIN_FUNCTION_NAME, {
  schedule: retrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    const model = resolveModelName('offers', process.env);
    await withRetrainRecords(RETRAIN_FUNCTION_NAME, model, contextLog(context), async () => {
      const result = await retrainOnSchedule({ app: appServices().clients, env: process.env, log: (m) => context.log(m) });
      return result && { status: result.status, model, version: result.version, reason: result.reason };
    });
  },
});
