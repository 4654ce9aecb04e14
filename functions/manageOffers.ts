import './setup';
import { app } from '@azure/functions';
import { rankingServices } from '../src/ranking/rankingServices';
import { handleManageOffers } from '../src/ranking/http/manageOffersHandler';

// Routes under admin/ are reserved by the Functions host, hence manage/.
app.http('manageOffers', {
  route: 'api/manage/offers/{id?}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'admin',
  handler: (request, context) => {
    const services = rankingServices();
    return handleManageOffers(request, {
      catalog: services.catalog,
      changed: () => services.activeOffers.invalidate(),
      log: (m) => context.warn(m),
    });
  },
});
