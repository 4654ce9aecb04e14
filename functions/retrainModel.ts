import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { RETRAIN_FUNCTION_NAME, retrainSchedule } from '../src/config/trainingSettings';
import { retrainOnSchedule } from '../src/training/retrainJob';

// Scheduled retraining, OFF by default: it runs only when AzureWebJobs.retrainModel.Disabled is
// "false"; the schedule is RetrainSchedule (NCRONTAB, UTC, default 03:00 daily). docs/training.md.
app.timer(RETRAIN_FUNCTION_NAME, {
  schedule: retrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    await retrainOnSchedule({ app: appServices().clients, env: process.env, log: (m) => context.log(m) });
  },
});
