import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { handleOpenApi } from '../src/openapi/openApiEndpoint';

// Anonymous: the API description tools (Swagger UI, client generators) read; it holds no data.
app.http('openapi', {
  route: 'api/openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request) => handleOpenApi(request, { maxEventsPerRequest: appServices().clients.settings.maxEventsPerRequest }),
});
