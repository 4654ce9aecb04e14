import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { withDecisionSpan } from '../src/common/traceContext';
import { handleActivate } from '../src/ranking/http/activateHandler';

// Anonymous at the host: the Ocp-Apim-Subscription-Key header is checked by the handler.
app.http('personalizerActivate', {
  route: 'personalizer/v1.0/events/{eventId}/activate',
  methods: ['POST'],
  authLevel: 'anonymous',
  // Runs in a span of the decision's trace (src/common/traceContext.ts), so the activate event it
  // publishes carries that trace through the hub.
  handler: (request, context) =>
    withDecisionSpan('activate', request.params.eventId ?? '', () =>
      withRankingServices(() => appServices().ranking(), (services) => handleActivate(request, { ...services.eventCallDeps(), log: (m) => context.warn(m) }), (m) => context.error(m))),
});
