import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { serveAggregates } from '../src/dashboard/aggregatesEndpoint';

// Function key: it exposes business figures (revenue, CTR) though no personal data; the dashboard
// page passes the key it was opened with (docs/dashboard.md).
app.http('aggregates', {
  route: 'api/aggregates',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request, context) => serveAggregates(request, appServices().clients, (message) => context.warn(message)),
});
