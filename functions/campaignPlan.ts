import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { readCampaignSettings } from '../src/config/campaignSettings';
import { handlePlanRequest, runScheduledPlans } from '../src/campaign/plan/planHandlers';

// Anonymous at the host, so no host key (master, admin, function) opens it: the handler accepts
// only a campaign key (CampaignApiKeys) in x-campaign-key or Authorization: Bearer, in constant
// time. Routes under admin/ are reserved by the Functions host, hence manage/.
app.http('campaignPlan', {
  route: 'api/manage/campaigns/{campaignId}/plan',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    appServices().campaignKeys().refuse(request, (m) => context.warn(m)) ??
    handlePlanRequest(request, appServices().campaign().planDeps((m) => context.warn(m))),
});

// The timer exists only when CampaignPlanSchedule is set (off by default). A bad campaign
// setting must not stop the other functions from loading: it is logged, and the timer left out.
let schedule = '';
try {
  schedule = readCampaignSettings(process.env).planSchedule;
} catch (error) {
  console.error(`campaignPlanTimer is not registered: ${(error as Error).message}`);
}
if (schedule !== '') {
  app.timer('campaignPlanTimer', {
    schedule,
    runOnStartup: false,
    handler: async (_timer, context) => {
      const log = (m: string) => context.log(m);
      const services = appServices().campaign();
      const { failed } = await runScheduledPlans(services.settings.planCampaigns, services.planDeps(log));
      if (failed.length > 0) throw new Error(`campaign plans failed for ${failed.join(', ')} (see the log above)`);
    },
  });
}
