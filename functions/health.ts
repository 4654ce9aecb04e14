import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { checkHealth } from '../src/health/healthCheck';

// Anonymous so load balancers and uptime probes can call it; it reveals only up/down and latency.
app.http('health', {
  route: 'api/health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (_request, context) => checkHealth(appServices().clients, (message) => context.warn(message)),
});
