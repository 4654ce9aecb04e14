import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { withRankingServices } from '../src/ranking/http/withRankingServices';
import { handlePersonalizer } from '../src/ranking/http/personalizerApi';

// The whole Personalizer-compatible API: /personalizer/v1.0/... and /personalizer/...?api-version=2022-09-01-preview.
// Anonymous at the host: like Personalizer, the API checks Ocp-Apim-Subscription-Key itself.
app.http('personalizerApi', {
  route: 'personalizer/{*path}',
  methods: ['GET', 'PUT', 'POST', 'DELETE'],
  authLevel: 'anonymous',
  handler: (request, context) =>
    withRankingServices(
      () => appServices().ranking(),
      (services) => handlePersonalizer(request, request.params.path ?? '', services.personalizerApiDeps((m) => context.warn(m))),
      (m) => context.error(m),
    ),
});
