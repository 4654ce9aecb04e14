import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { PRODUCT_RETRAIN_FUNCTION_NAME, productRetrainSchedule, retrainProducts } from '../src/training/products/retrainProducts';

// Scheduled retraining of the product recommender, ON by default (switch it off with
// AzureWebJobs.retrainProducts.Disabled = "true"); ProductRetrainSchedule, default 03:30 UTC daily.
app.timer(PRODUCT_RETRAIN_FUNCTION_NAME, {
  schedule: productRetrainSchedule(process.env),
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    await retrainProducts({ app: appServices().clients, env: process.env, log: (m) => context.log(m) });
  },
});
