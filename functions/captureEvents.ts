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
    return handleCaptureRequest(request, {
      publisher: services.publisher(),
      limits: { maxEvents: services.settings.maxEventsPerRequest, maxBytes: services.settings.maxRequestBytes },
      log: (message) => context.warn(message),
    });
  },
});
