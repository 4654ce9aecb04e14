import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { contextLog } from '../src/common/structuredLog';
import { PRODUCT_RETRAIN_FUNCTION_NAME, productRetrainSchedule, retrainProducts } from '../src/training/products/retrainProducts';
import { withRetrainRecords } from '../src/training/retrainRecords';

// Scheduled retraining of the product recommender, ON by default (switch it off with
// AzureWebJobs.retrainProducts.Disabled = "true"); ProductRetrainSchedule, default 03:30 UTC daily.
// Records retraining.failed / model.promoted / retraining.completed (docs/observability.md).
app.timer(PRODUCT_RETRAIN_FUNCTION_NAME, {
  schedule: productRetrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    await withRetrainRecords(PRODUCT_RETRAIN_FUNCTION_NAME, 'products', contextLog(context), async () => {
      const result = await retrainProducts({ app: appServices().clients, env: process.env, log: (m) => context.log(m) });
      return result && { status: result.status, model: result.manifest.name, version: result.manifest.version };
    });
  },
});
