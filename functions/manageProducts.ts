import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withProductServices } from '../src/products/http/withProductServices';
import { handleManageProducts } from '../src/products/http/productHandlers';

// Function level: a key of this function (name it `catalog` for the shop's catalog feed) or an
// admin key; routes under admin/ are reserved by the Functions host, hence manage/.
app.http('manageProducts', {
  route: 'api/manage/products/{id?}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'function',
  handler: (request, context) =>
    withProductServices(
      () => appServices().products(),
      (services) => handleManageProducts(request, { store: services.store, changed: () => services.catalog.invalidate(), log: (m) => context.warn(m) }),
      (m) => context.error(m),
      false,
    ),
});
