import './setup';
import { app } from '@azure/functions';
import { rankingServices } from '../src/ranking/rankingServices';
import { handleOffers } from '../src/ranking/http/offersHandler';

// Anonymous: web frontends call it directly, as they call POST /api/events.
app.http('offers', {
  route: 'api/offers',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) => {
    const services = rankingServices();
    return handleOffers(request, {
      ranker: () => services.ranker(),
      offers: services.activeOffers,
      maxN: services.settings.offersMaxN,
      log: (m) => context.warn(m),
    });
  },
});
