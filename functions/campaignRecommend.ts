import './setup';
import { app } from '@azure/functions';
import { campaignServices } from '../src/campaign/campaignServices';
import { handleRecommend } from '../src/campaign/recommend/recommendHandler';

app.http('campaignRecommend', {
  route: 'api/campaigns/recommend',
  methods: ['POST'],
  authLevel: 'function',
  handler: async (request, context) => {
    const log = (m: string) => context.warn(m);
    return handleRecommend(request, await campaignServices(log).recommendDeps(log));
  },
});
