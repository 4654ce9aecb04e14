import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handleManageOffers } from '../src/ranking/http/manageOffersHandler';

// Routes under admin/ are reserved by the Functions host, hence manage/.
app.http('manageOffers', {
  route: 'api/manage/offers/{id?}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'admin',
  handler: (request, context) =>
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
