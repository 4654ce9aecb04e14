import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handleManageOffers } from '../src/ranking/http/manageOffersHandler';

// Anonymous at the host, so no host key (master, admin, function) opens it: the handler accepts
// only a catalog key (CatalogApiKeys, the products' catalog key too) in x-catalog-key or
// Authorization: Bearer, in constant time. Routes under admin/ are reserved by the Functions
// host, hence manage/.
app.http('manageOffers', {
  route: 'api/manage/offers/{id?}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    appServices().catalogKeys().refuse(request, (m) => context.warn(m)) ??
    withRankingServices(
      () => appServices().ranking(),
      (services) =>
        handleManageOffers(request, {
          catalog: services.catalog,
          changed: () => services.activeOffers.invalidate(),
          log: (m) => context.warn(m),
        }),
      (m) => context.error(m),
    ),
});
