import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handleRank } from '../src/ranking/http/rankHandler';

// Anonymous at the host: like Personalizer, the API checks Ocp-Apim-Subscription-Key itself.
app.http('personalizerRank', {
  route: 'personalizer/v1.0/rank',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withRankingServices(
      () => appServices().ranking(),
      (services) => handleRank(request, { apiKeys: services.apiKeys, ranker: () => services.ranker(), log: (m) => context.warn(m) }),
      (m) => context.error(m),
    ),
});
