import './setup';
import { contextLog } from '../src/common/structuredLog';
import { withRetrainRecords } from '../src/training/retrainRecords';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { readCampaignSettings } from '../src/config/campaignSettings';
import { readCampaignRetrainSettings } from '../src/config/campaignRetrainSettings';
import { retrainCampaignModel } from '../src/training/campaign/campaignRetrainJob';

// Retraining of the campaign model, ON by default (CampaignRetrainSchedule, "off" removes the
// timer): it trains once the campaign data is there and promotes through the gate. A bad setting
// must not stop the other functions from loading: it is logged, and the timer left out.
let schedule = '';
try {
  schedule = readCampaignRetrainSettings(process.env).schedule;
} catch (error) {
  console.error(`campaignRetrain is not registered: ${(error as Error).message}`);
}
if (schedule !== '') {
  app.timer('campaignRetrain', {
    schedule,
    runOnStartup: false,
    useMonitor: true,
    // Records retraining.failed / model.promoted / retraining.completed (docs/observability.md).
    handler: async (_timer, context) => {
      const clients = appServices().clients;
      const model = readCampaignSettings(process.env).modelName;
      await withRetrainRecords('campaignRetrain', model, contextLog(context), async () => {
        const outcome = await retrainCampaignModel({
          data: clients.archiveContainer(readCampaignSettings(process.env).dataContainer),
          archive: clients.archiveContainer(clients.settings.archiveContainer),
          models: clients.archiveContainer(clients.settings.modelsContainer),
          env: process.env,
          log: (m) => context.log(m),
        });
        if (outcome.status === 'skipped') return { status: 'skipped', model, reason: outcome.reason };
        const r = outcome.result;
        return { status: r.promoted ? 'promoted' : 'registered', model, version: r.version, reason: r.promotion.reason };
      });
    },
  });
}
