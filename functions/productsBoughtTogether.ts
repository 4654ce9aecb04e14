import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withProductServices } from '../src/products/http/withProductServices';
import { handleRelatedProducts } from '../src/products/http/productHandlers';

app.http('productsBoughtTogether', {
  route: 'api/products/{id}/bought-together',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withProductServices(
      () => appServices().products(),
      (services) => handleRelatedProducts(request, 'bought-together', { recommender: services.recommender, maxN: services.settings.maxN, log: (m) => context.warn(m) }),
      (m) => context.error(m),
    ),
});
