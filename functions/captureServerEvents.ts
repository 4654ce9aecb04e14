import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { handleCaptureRequest } from '../src/capture/captureHandler';

// Keyed (function key): the shop's backend, CRM or campaign tool. Takes every event type the
// browser route does plus the server-to-server ones (campaign touches and responses); the caller
// is trusted, so user ids need no token.
app.http('captureServerEvents', {
  route: 'api/events/server',
  methods: ['POST'],
  authLevel: 'function',
  handler: (request, context) => {
    const services = appServices();
    const { clients } = services;
    const rewardOf = services.trackedRewards();
    return handleCaptureRequest(request, {
      publisher: clients.publisher(),
      ...(rewardOf ? { rewardOf } : {}),
      limits: { maxEvents: clients.settings.maxEventsPerRequest, maxBytes: clients.settings.maxRequestBytes },
      log: (message) => context.warn(message),
    });
  },
});
