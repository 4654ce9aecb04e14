import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { handleCaptureRequest } from '../src/capture/captureHandler';

// Anonymous: browsers call it directly (navigator.sendBeacon cannot send keys); input is validated and size-limited.
app.http('captureEvents', {
  route: 'api/events',
  methods: ['POST'],
  authLevel: 'anonymous',
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
