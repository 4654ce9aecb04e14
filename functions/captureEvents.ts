import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { handleCaptureRequest } from '../src/capture/captureHandler';
import { BROWSER_EVENT_TYPES } from '../src/events/eventSchema';

const BROWSER_TYPES: ReadonlySet<string> = new Set(BROWSER_EVENT_TYPES);

// Anonymous: browsers call it directly (navigator.sendBeacon cannot send keys); input is validated and size-limited.
// Server-to-server event types are refused here (captureServerEvents takes them); user ids need a signed token.
app.http('captureEvents', {
  route: 'api/events',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: (request, context) => {
    const services = appServices();
    const { clients } = services;
    const rewardOf = services.trackedRewards();
    const identity = services.identityPolicy();
    return handleCaptureRequest(request, {
      publisher: clients.publisher(),
      ...(rewardOf ? { rewardOf } : {}),
      knownIds: () => services.knownIds(),
      limits: { maxEvents: clients.settings.maxEventsPerRequest, maxBytes: clients.settings.maxRequestBytes },
      route: { types: BROWSER_TYPES, otherTypes: 'is sent by servers: use POST /api/events/server with a function key', ...(identity ? { identity } : {}) },
      log: (message) => context.warn(message),
    });
  },
});
