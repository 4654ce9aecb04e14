import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { contextLog } from '../src/common/structuredLog';
import { RETRAIN_FUNCTION_NAME, retrainSchedule } from '../src/config/trainingSettings';
import { learningTick } from '../src/training/continuousLearning/learningCycle';
import { resolveModelName } from '../src/training/offers/trainingTargets';
import { withRetrainRecords } from '../src/training/retrainRecords';

// Continuous learning, ON by default: the timer ticks every minute (RetrainSchedule) and a tick
// trains only when ModelUpdateFrequency (default PT5M) has passed since the last run. Off when
// AzureWebJobs.retrainModel.Disabled is "true". docs/training.md, "Continuous learning".
// A tick that runs records retraining.failed / model.promoted / retraining.completed
// (docs/observability.md); one that is not due records nothing.
app.timer(RETRAIN_FUNCTION_NAME, {
  schedule: retrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    const services = appServices();
    const model = resolveModelName('offers', process.env);
    await withRetrainRecords(RETRAIN_FUNCTION_NAME, model, contextLog(context), async () => {
      const tick = await learningTick({
        app: services.clients,
        env: process.env,
        log: (m) => context.log(m),
        // The Personalizer service configuration (modelExportFrequency, learningMode), as PUT through
        // the API; until one is stored, the tick's ModelUpdateFrequency.
        learningConfig: (defaultUpdateSeconds) => services.ranking().configurationStore.learningConfig(defaultUpdateSeconds),
        // latestApprenticeModeMetrics and the opt-in Apprentice → Online switch.
        apprentice: services.ranking().configurationStore,
      });
      return tick.ran ? { status: tick.result.status, model, version: tick.result.version, reason: tick.result.reason } : undefined;
    });
  },
});
