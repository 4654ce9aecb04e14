import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withProductServices } from '../src/products/http/withProductServices';
import { handleRelatedProducts } from '../src/products/http/productHandlers';

app.http('productsSimilar', {
  route: 'api/products/{id}/similar',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withProductServices(
      () => appServices().products(),
      (services) => handleRelatedProducts(request, 'similar', { recommender: services.recommender, maxN: services.settings.maxN, log: (m) => context.warn(m) }),
      (m) => context.error(m),
    ),
});
