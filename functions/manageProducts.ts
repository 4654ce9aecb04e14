import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withProductServices } from '../src/products/http/withProductServices';
import { handleManageProducts } from '../src/products/http/productHandlers';

// Anonymous at the host, so no host key (master, admin, function) opens it: the handler accepts
// only a catalog key (CatalogApiKeys) in x-catalog-key or Authorization: Bearer, in constant
// time. Routes under admin/ are reserved by the Functions host, hence manage/.
app.http('manageProducts', {
  route: 'api/manage/products/{id?}',
  methods: ['GET', 'PUT', 'DELETE'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withProductServices(
      () => appServices().products(),
      (services) =>
        services.catalogKeys.refuse(request, (m) => context.warn(m)) ??
        handleManageProducts(request, { store: services.store, changed: () => services.catalog.invalidate(), log: (m) => context.warn(m) }),
      (m) => context.error(m),
      false,
    ),
});
