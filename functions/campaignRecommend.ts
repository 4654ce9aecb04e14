import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { handleRecommend } from '../src/campaign/recommend/recommendHandler';

app.http('campaignRecommend', {
  route: 'api/campaigns/recommend',
  methods: ['POST'],
  authLevel: 'function',
  handler: async (request, context) => {
    const log = (m: string) => context.warn(m);
    return handleRecommend(request, await appServices().campaign().recommendDeps(log));
  },
});
