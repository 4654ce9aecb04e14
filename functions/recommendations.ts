import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withProductServices } from '../src/products/http/withProductServices';
import { handleRecommendations } from '../src/products/http/productHandlers';

// Anonymous: web frontends call it directly, as they call POST /api/events and GET /api/offers.
app.http('recommendations', {
  route: 'api/recommendations',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withProductServices(
      () => appServices().products(),
      (services) => handleRecommendations(request, { recommender: services.recommender, maxN: services.settings.maxN, log: (m) => context.warn(m) }),
      (m) => context.error(m),
    ),
});
