import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { RETRAIN_FUNCTION_NAME, retrainSchedule } from '../src/config/trainingSettings';
import { learningTick } from '../src/training/continuousLearning/learningCycle';

// Continuous learning, ON by default: the timer ticks every minute (RetrainSchedule) and a tick
// trains only when ModelUpdateFrequency (default PT5M) has passed since the last run. Off when
// AzureWebJobs.retrainModel.Disabled is "true". docs/training.md, "Continuous learning".
app.timer(RETRAIN_FUNCTION_NAME, {
  schedule: retrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    await learningTick({ app: appServices().clients, env: process.env, log: (m) => context.log(m) });
  },
});
