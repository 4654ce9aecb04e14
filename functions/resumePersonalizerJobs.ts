import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { SettingsError } from '../src/config/settings';

// The Personalizer API's asynchronous jobs (offline evaluations, feature importances) survive
// restarts: every minute, each instance takes over the jobs whose runner stopped (its lease ran
// out: the instance that ran it restarted or was removed) and runs them to the end within this
// invocation, so the host keeps the instance while they run. A create starts its job at once on
// the instance that took it (functions/personalizer.ts). With auto-optimization on, it also starts
// each period's automatic evaluation (autoOptimization.ts). src/ranking/jobs/jobRunner.ts;
// docs/personalizer-migration.md, "Offline evaluations" and "Feature importances".
app.timer('resumePersonalizerJobs', {
  schedule: '30 * * * * *',
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    let evaluations;
    let featureImportances;
    try {
      evaluations = appServices().evaluationJobs();
      featureImportances = appServices().ranking().featureImportanceJobs;
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      context.warn(`resumePersonalizerJobs: the ranking service is not configured: ${error.message}`);
      return;
    }
    const resumedEvaluations = await evaluations.resume();
    if (resumedEvaluations > 0) context.log(`resumePersonalizerJobs: resumed ${resumedEvaluations} offline evaluation(s)`);
    const resumedImportances = await featureImportances.resume();
    if (resumedImportances > 0) context.log(`resumePersonalizerJobs: resumed ${resumedImportances} feature importance(s)`);
    const auto = await evaluations.autoOptimize();
    if (auto.created) context.log(`resumePersonalizerJobs: auto-optimization started ${auto.created}`);
    await Promise.all([evaluations.idle(), featureImportances.idle()]);
  },
});
