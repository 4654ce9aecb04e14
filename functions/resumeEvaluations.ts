import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { SettingsError } from '../src/config/settings';

// Offline evaluations survive restarts: every minute, each instance takes over the evaluations
// whose job stopped (its lease ran out: the instance that ran it restarted or was removed) and
// runs them to the end within this invocation, so the host keeps the instance while they run.
// A create starts its evaluation at once on the instance that took it (functions/personalizer.ts).
// With auto-optimization on, it also starts each period's automatic evaluation (autoOptimization.ts).
// docs/personalizer-migration.md, "Offline evaluations".
app.timer('resumeEvaluations', {
  schedule: '30 * * * * *',
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    let jobs;
    try {
      jobs = appServices().evaluationJobs();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      context.warn(`resumeEvaluations: the ranking service is not configured: ${error.message}`);
      return;
    }
    const started = await jobs.resume();
    if (started > 0) context.log(`resumeEvaluations: resumed ${started} offline evaluation(s)`);
    const auto = await jobs.autoOptimize();
    if (auto.created) context.log(`resumeEvaluations: auto-optimization started ${auto.created}`);
    await jobs.idle();
  },
});
