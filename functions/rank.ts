import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handleRank } from '../src/ranking/http/rankHandler';
import { recordDecisionSpan } from '../src/common/traceContext';

// Anonymous at the host: like Personalizer, the API checks Ocp-Apim-Subscription-Key itself.
app.http('personalizerRank', {
  route: 'personalizer/v1.0/rank',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request, context) => {
    const response = await withRankingServices(
      () => appServices().ranking(),
      (services) => handleRank(request, { apiKeys: services.apiKeys, ranker: () => services.ranker(), log: (m) => context.warn(m) }),
      (m) => context.error(m),
    );
    // The decision's own trace, which its rewards join (src/common/traceContext.ts).
    const eventId = (response.jsonBody as { eventId?: unknown } | undefined)?.eventId;
    if (response.status === 201 && typeof eventId === 'string') recordDecisionSpan(eventId, { 'personalization.source': 'rank' });
    return response;
  },
});
