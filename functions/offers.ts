import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handleOffers } from '../src/ranking/http/offersHandler';

// Anonymous: web frontends call it directly, as they call POST /api/events.
app.http('offers', {
  route: 'api/offers',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withRankingServices(
      () => appServices().ranking(),
      (services) =>
        handleOffers(request, {
          ranker: () => services.ranker(),
          offers: services.activeOffers,
          maxN: services.settings.offersMaxN,
          log: (m) => context.warn(m),
        }),
      (m) => context.error(m),
    ),
});
