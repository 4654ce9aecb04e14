// What the reward and activate endpoints share: key check, event id verification, publishing.
import type { HttpResponseInit } from '@azure/functions';
import type { EventPublisher } from '../../clients/eventHubPublisher';
import type { TrackedEvent } from '../../events/eventSchema';
import type { ApiKeyCheck } from '../apiKeyAuth';
import { verifyEventId, type EventClaims } from '../eventIdToken';
import { badRequest, serviceUnavailable, type PersonalizerInnerCode } from '../personalizerErrors';

export interface EventCallDeps {
  apiKeys: ApiKeyCheck;
  signingKeys: readonly Buffer[];
  rewardWaitSeconds: number;
  rewardMin: number;
  rewardMax: number;
  publisher: EventPublisher;
  now?: () => number;
  log?: (message: string) => void;
}

const REASONS = {
  malformed: 'is not an event id issued by this service',
  forged: 'is not an event id issued by this service (its signature does not match)',
  future: 'was issued in the future; check the server clocks',
} as const;

/** The event's claims, or the 400 to answer. Pure computation: no lookup. */
export function verifyEvent(eventId: string, deps: EventCallDeps, inner: PersonalizerInnerCode): { claims: EventClaims } | { response: HttpResponseInit } {
  const nowMs = (deps.now ?? Date.now)();
  const result = verifyEventId(eventId, deps.signingKeys, nowMs, deps.rewardWaitSeconds * 1000);
  if (result.ok) return { claims: result.claims };
  const message =
    result.reason === 'expired'
      ? `has expired: its reward wait time (${deps.rewardWaitSeconds} s) has passed`
      : REASONS[result.reason];
  return { response: badRequest('eventId', message, inner) };
}

/** Publishes one event and waits for Event Hubs; 503 when it was not accepted. */
export async function publishOne(event: TrackedEvent, deps: EventCallDeps, what: string): Promise<HttpResponseInit | undefined> {
  try {
    const result = await deps.publisher.publish([event]);
    if (result.failed.length === 0) return undefined;
    deps.log?.(`${what}: Event Hubs did not accept the event: ${result.failed[0].reason}`);
  } catch (error) {
    deps.log?.(`${what}: publishing failed: ${(error as Error).message}`);
  }
  return serviceUnavailable(`The ${what} could not be stored; send it again.`);
}
