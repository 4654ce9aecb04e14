// What the reward and activate endpoints (single- and multi-slot) share: event id resolution and
// publishing. No lookup on this path: an event id this service signed (the ids it generates)
// tells the decision's action, user and issue time; any other id — a client's own, as Personalizer
// clients send, or one whose signature does not verify — is accepted as Personalizer accepts it
// and published as an unverified reward of that id: the training join matches it to a logged
// decision of the same id, and one with no logged decision never joins training.
import type { HttpResponseInit } from '@azure/functions';
import type { EventPublisher } from '../../clients/eventHubPublisher';
import type { TrackedEvent } from '../../events/eventSchema';
import type { ApiKeyCheck } from '../apiKeyAuth';
import { verifyEventId, type EventClaims } from '../eventIdToken';
import { badRequest, serviceUnavailable, type PersonalizerInnerCode } from '../personalizerErrors';

export interface EventCallDeps {
  apiKeys: ApiKeyCheck;
  signingKeys: readonly Buffer[];
  /** The configured reward wait time: a signed id older than this gives an unverified (late) reward. */
  rewardWaitSeconds: number;
  rewardMin: number;
  rewardMax: number;
  publisher: EventPublisher;
  now?: () => number;
  log?: (message: string) => void;
}

/** Longest event id taken in a reward or activate path (Personalizer's 256, and ids of the former `client~signature` form). */
export const MAX_EVENT_ID_CHARS = 1024;

/**
 * The claims of a signed id (undefined for any other id), or the 400 to answer for an id that is
 * no id at all. Pure computation.
 */
export function resolveEvent(eventId: string, deps: EventCallDeps, inner: PersonalizerInnerCode): { claims?: EventClaims } | { response: HttpResponseInit } {
  if (eventId === '') return { response: badRequest('eventId', 'is required', inner) };
  if (eventId.length > MAX_EVENT_ID_CHARS) return { response: badRequest('eventId', `must be at most ${MAX_EVENT_ID_CHARS} characters`, inner) };
  const nowMs = (deps.now ?? Date.now)();
  const result = verifyEventId(eventId, deps.signingKeys, nowMs, deps.rewardWaitSeconds * 1000);
  return result.ok ? { claims: result.claims } : {};
}

/** Publishes the events and waits for Event Hubs; 503 when one was not accepted. */
export async function publishOne(event: TrackedEvent | TrackedEvent[], deps: Pick<EventCallDeps, 'publisher' | 'log'>, what: string): Promise<HttpResponseInit | undefined> {
  try {
    const result = await deps.publisher.publish(Array.isArray(event) ? event : [event]);
    if (result.failed.length === 0) return undefined;
    deps.log?.(`${what}: Event Hubs did not accept the event: ${result.failed[0].reason}`);
  } catch (error) {
    deps.log?.(`${what}: publishing failed: ${(error as Error).message}`);
  }
  return serviceUnavailable(`The ${what} could not be stored; send it again.`);
}
