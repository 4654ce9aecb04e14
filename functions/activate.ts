import './setup';
import { app } from '@azure/functions';
import { rankingServices } from '../src/ranking/rankingServices';
import { handleActivate } from '../src/ranking/http/activateHandler';

// Anonymous at the host: the Ocp-Apim-Subscription-Key header is checked by the handler.
app.http('personalizerActivate', {
  route: 'personalizer/v1.0/events/{eventId}/activate',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request, context) => handleActivate(request, { ...rankingServices().eventCallDeps(), log: (m) => context.warn(m) }),
});
